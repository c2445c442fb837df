#include "core/atomic_write.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

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
                      Catch::Matchers::Contains("cannot create a temporary file in its directory"));
}
