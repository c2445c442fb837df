// A descriptor reading `content` from its start. A memfd, not a pipe: a pipe holds only 64 KiB
// and the over-long-line cases need more; it is also seekable, so what was written can be read back.
#pragma once

#include "support/catch.hpp"

#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace mqpasswd::test {

inline int memfd_with(const std::string& content) {
    const int fd = ::memfd_create("test-input", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

}  // namespace mqpasswd::test
