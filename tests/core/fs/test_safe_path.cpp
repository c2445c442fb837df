#include "core/error.hpp"
#include "core/fs/safe_path.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <cerrno>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

namespace {

std::string refusal(const std::string& path, const PathTrust& trust = {}) {
    std::string message;
    CHECK(error_code_of([&] { (void)open_checked_parent(path, trust); }, message) == ExitCode::failure);
    return message;
}

}  // namespace

TEST_CASE("our own links are followed, the last name never, . and .. as the kernel reads them", "[safe_path]") {
    const test::TempDir dir;
    REQUIRE(::mkdir(dir.file("real").c_str(), 0755) == 0);
    test::write_file(dir.file("real/pw"), "a:b\n");
    REQUIRE(::symlink(dir.file("real").c_str(), dir.file("dirlink").c_str()) == 0);
    REQUIRE(::symlink("real/pw", dir.file("filelink").c_str()) == 0);
    char* real_base = ::realpath(dir.path().c_str(), nullptr);
    const std::string base = real_base;
    std::free(real_base);
    CHECK(open_checked_parent(dir.file("dirlink/pw")).resolved == base + "/real/pw");
    CHECK(open_checked_parent(dir.file("dirlink/../real/./pw")).resolved == base + "/real/pw");
    const CheckedParent link = open_checked_parent(dir.file("filelink"));
    CHECK(link.name == "filelink");  // the file's own name is the caller's to open, O_NOFOLLOW
    CHECK(link.resolved == base + "/filelink");
    CHECK(link.owner == ::geteuid());
    CHECK(refusal(dir.file("missing/pw")).find("cannot reach") != std::string::npos);
    // /dev/fd is a link to /proc/self/fd, and /proc/self a link whose size reads as 0: followed.
    CHECK(open_checked_parent("/dev/fd/0").name == "0");
    CHECK(refusal(dir.file("real/")) == dir.file("real/") + ": not a file name");
}

// Only root can give a link or a directory to another user, so as another user this test checks
// the trusted half only.
TEST_CASE("a link or a directory another user controls is refused", "[safe_path]") {
    if (::geteuid() != 0) {
        return;
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    const test::TempDir dir;
    REQUIRE(::mkdir(dir.file("real").c_str(), 0755) == 0);
    test::write_file(dir.file("real/pw"), "a:b\n");
    REQUIRE(::symlink(dir.file("real").c_str(), dir.file("dirlink").c_str()) == 0);
    REQUIRE(::lchown(dir.file("dirlink").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    // Whatever the directory it sits in (not only sticky ones, as fs.protected_symlinks would).
    CHECK(refusal(dir.file("dirlink/pw")) == dir.file("dirlink/pw") + ": follows the symbolic link " +
                                                 dir.file("dirlink") + " that nobody owns; refusing");
    // Not even when that user will own the file: the file's owner is trusted with directories,
    // never with links (the broker's user owns the file and is the likeliest attacker).
    CHECK(refusal(dir.file("dirlink/pw"), PathTrust{nobody->pw_uid}).find("that nobody owns") != std::string::npos);
    try {
        (void)open_checked_parent(dir.file("dirlink/pw"));
    } catch (const Error& error) {
        CHECK(error.errno_value() == EACCES);  // what the compat front reports, as the kernel would
    }

    // A directory of nobody's on the way: nobody could swap what it holds. Unless nobody owns the
    // file, or will (a file created for that user).
    REQUIRE(::mkdir(dir.file("theirs").c_str(), 0755) == 0);
    REQUIRE(::chown(dir.file("theirs").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    CHECK(refusal(dir.file("theirs/pw")).find("the directory " + dir.file("theirs") + " is owned by nobody") !=
          std::string::npos);
    CHECK_NOTHROW(open_checked_parent(dir.file("theirs/pw"), PathTrust{nobody->pw_uid}));
    test::write_file(dir.file("theirs/pw"), "a:b\n");
    REQUIRE(::chown(dir.file("theirs/pw").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    CHECK_NOTHROW(open_checked_parent(dir.file("theirs/pw")));

    // Writable by everyone: refused, unless sticky (/tmp), where links still obey the link rule.
    REQUIRE(::chmod(dir.file("real").c_str(), 0777) == 0);
    CHECK(refusal(dir.file("real/pw")).find("is writable by every user and has no sticky bit") != std::string::npos);
    REQUIRE(::chmod(dir.file("real").c_str(), 01777) == 0);
    CHECK_NOTHROW(open_checked_parent(dir.file("real/pw")));
    REQUIRE(::symlink(dir.file("real").c_str(), dir.file("real/planted").c_str()) == 0);
    REQUIRE(::lchown(dir.file("real/planted").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    CHECK(refusal(dir.file("real/planted/pw")).find("that nobody owns") != std::string::npos);

    // Writable by a group with another user in it.
    REQUIRE(::chmod(dir.file("real").c_str(), 0775) == 0);
    REQUIRE(::chown(dir.file("real").c_str(), 0, nobody->pw_gid) == 0);
    CHECK(refusal(dir.file("real/pw")).find("is writable by the group") != std::string::npos);
}
