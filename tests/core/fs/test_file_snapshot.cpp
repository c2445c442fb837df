#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

TEST_CASE("a password file over 4 GiB is refused by its size, which no 32-bit size wraps", "[file_snapshot]") {
    const test::TempDir dir;
    for (const std::uintmax_t size : {(std::uintmax_t{1} << 32) + 10, (std::uintmax_t{1} << 31) + 1}) {
        test::write_file(dir.file("huge"), "");
        std::filesystem::resize_file(dir.file("huge"), size);  // sparse
        try {
            (void)read_file(dir.file("huge"));
            FAIL("read a file of " << size << " bytes");
        } catch (const Error& error) {
            CHECK(error.message() == "file is larger than 1 GiB");
        }
    }
}
