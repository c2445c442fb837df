// A file's size against a limit, in one width on every platform: off_t is 64 bits everywhere we
// build (_FILE_OFFSET_BITS=64 on 32-bit ARM), size_t is not, so a size is never cast to size_t
// before it is known to fit.
#pragma once

#include <cstdint>
#include <sys/stat.h>

namespace mqpasswd {

// Whether the file `info` describes is larger than `limit` bytes (a negative size counts as larger).
[[nodiscard]] inline bool larger_than(const struct stat& info, std::uint64_t limit) noexcept {
    return info.st_size < 0 || static_cast<std::uint64_t>(info.st_size) > limit;
}

static_assert(sizeof(off_t) == 8, "build with _FILE_OFFSET_BITS=64: files over 2 GiB must be sized right");

}  // namespace mqpasswd
