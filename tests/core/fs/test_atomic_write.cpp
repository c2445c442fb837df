#include "core/error.hpp"
#include "core/fs/atomic_write.hpp"
#include "core/fs/unique_fd.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;

namespace {
UniqueFd open_dir(const test::TempDir& dir) {
    return UniqueFd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}
}  // namespace

TEST_CASE("atomic_replace writes the content with the given mode and leaves no temp", "[atomic_write]") {
    const test::TempDir dir;
    const UniqueFd dir_fd = open_dir(dir);
    test::write_file(dir.file("pw"), "old\n");
    atomic_replace(dir_fd.get(), "pw", "new content\n", {::geteuid(), ::getegid(), 0640}, dir.file("pw"));
    CHECK(test::read_file_text(dir.file("pw")) == "new content\n");
    struct stat info {};
    ::stat(dir.file("pw").c_str(), &info);
    CHECK((info.st_mode & 07777) == 0640);
    CHECK(dir.entries() == std::vector<std::string>{"pw"});
}

TEST_CASE("an owner that cannot be given fails cleanly, the original intact", "[atomic_write]") {
    const test::TempDir dir;
    const UniqueFd dir_fd = open_dir(dir);
    test::write_file(dir.file("pw"), "old\n");
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    const FileOwnership foreign{nobody->pw_uid, nobody->pw_gid, 0600};
    if (::geteuid() == 0) {
        atomic_replace(dir_fd.get(), "pw", "new\n", foreign, dir.file("pw"));
        struct stat info {};
        ::stat(dir.file("pw").c_str(), &info);
        CHECK(info.st_uid == nobody->pw_uid);
        CHECK(info.st_gid == nobody->pw_gid);
    } else {
        CHECK_THROWS_AS(atomic_replace(dir_fd.get(), "pw", "new\n", foreign, dir.file("pw")), Error);
        CHECK(test::read_file_text(dir.file("pw")) == "old\n");
    }
    CHECK(dir.entries() == std::vector<std::string>{"pw"});
}

TEST_CASE("temp files are hidden, named after the file, and bounded in length", "[atomic_write]") {
    CHECK(temp_file_prefix("passwd") == ".passwd.mqpasswd-");
    CHECK(temp_file_prefix(std::string(255, 'x')).size() < 255 - 16);
}

TEST_CASE("a directory that cannot take a new file fails with a clear error", "[atomic_write]") {
    const UniqueFd not_a_dir(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    CHECK_THROWS_WITH(atomic_replace(not_a_dir.get(), "pw", "x", {::geteuid(), ::getegid(), 0600}, "pw"),
                      Catch::Matchers::ContainsSubstring("cannot create a temporary file in its directory"));
}

// A writer killed by SIGKILL leaves its temp file; the next writer, holding the directory lock
// that the dead one held, knows it is stale and removes it, and nothing that only looks like one.
TEST_CASE("stale temp files of the file are removed, and only those", "[atomic_write]") {
    const test::TempDir dir;
    const UniqueFd dir_fd = open_dir(dir);
    test::write_file(dir.file("pw"), "old\n");
    const std::string prefix = temp_file_prefix("pw");
    test::write_file(dir.file(prefix + "0123456789abcdef"), "stale\n");
    test::write_file(dir.file(prefix + "0123456789abcde"), "too short\n");
    test::write_file(dir.file(prefix + "0123456789ABCDEF"), "not our hex\n");
    test::write_file(dir.file(temp_file_prefix("other") + "0123456789abcdef"), "another file's\n");
    REQUIRE(::symlink("pw", dir.file(prefix + "fedcba9876543210").c_str()) == 0);
    REQUIRE(::mkdir(dir.file(prefix + "aaaaaaaaaaaaaaaa").c_str(), 0700) == 0);
    atomic_replace(dir_fd.get(), "pw", "new\n", {::geteuid(), ::getegid(), 0600}, dir.file("pw"));
    std::vector<std::string> entries = dir.entries();
    std::sort(entries.begin(), entries.end());
    std::vector<std::string> expected{prefix + "0123456789ABCDEF",
                                      prefix + "0123456789abcde",
                                      prefix + "aaaaaaaaaaaaaaaa",
                                      prefix + "fedcba9876543210",
                                      temp_file_prefix("other") + "0123456789abcdef",
                                      "pw"};
    std::sort(expected.begin(), expected.end());
    CHECK(entries == expected);
    CHECK(test::read_file_text(dir.file("pw")) == "new\n");
    CHECK(remove_stale_temp_files(dir_fd.get(), "pw").empty());
}
