// The one Catch2 include for unit tests: Debian 12 ships Catch2 v2 (one header), Debian 13 v3
// (split headers, its own main). tests/CMakeLists.txt defines MQPASSWD_CATCH2_V3 for v3.
#pragma once

#ifdef MQPASSWD_CATCH2_V3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>

// v3's name for the substring matcher; v2 calls it Contains (v3's Contains matches ranges).
namespace Catch::Matchers {
inline StdString::ContainsMatcher ContainsSubstring(const std::string& str,
                                                    CaseSensitive::Choice caseSensitivity = CaseSensitive::Yes) {
    return Contains(str, caseSensitivity);
}
}  // namespace Catch::Matchers
#endif
