#include "core/error.hpp"
#include "core/file_snapshot.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

// fs.protected_symlinks by hand: only root can give a link to another user, so as another user
// this test checks the trusted half only.
TEST_CASE("links that another user planted in a shared sticky directory are not followed", "[file_snapshot]") {
    const test::TempDir dir;
    const std::string shared = dir.file("shared");
    REQUIRE(::mkdir(shared.c_str(), 0777) == 0);
    REQUIRE(::chmod(shared.c_str(), 01777) == 0);
    REQUIRE(::mkdir(dir.file("real").c_str(), 0755) == 0);
    test::write_file(dir.file("real/pw"), "a:b\n");
    REQUIRE(::symlink(dir.file("real").c_str(), (shared + "/dirlink").c_str()) == 0);
    REQUIRE(::symlink("../real/pw", (shared + "/filelink").c_str()) == 0);

    // Ours: followed, whether the link is the file or a directory on the way.
    CHECK_NOTHROW(check_trusted_links(shared + "/dirlink/pw"));
    CHECK_NOTHROW(check_trusted_links(shared + "/filelink"));
    CHECK_NOTHROW(check_trusted_links(shared + "/../shared/./dirlink/../real/pw"));
    CHECK_NOTHROW(check_trusted_links(shared + "/missing/pw"));
    if (::geteuid() != 0) {
        return;
    }
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody != nullptr);
    REQUIRE(::lchown((shared + "/dirlink").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    REQUIRE(::lchown((shared + "/filelink").c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    std::string message;
    for (const std::string& path : {shared + "/dirlink/pw", shared + "/filelink", shared + "/./dirlink"}) {
        INFO(path);
        CHECK(error_code_of([&] { check_trusted_links(path); }, message) == ExitCode::failure);
        CHECK(message.find("follows a symbolic link that another user owns in " + shared) != std::string::npos);
    }
    try {
        check_trusted_links(shared + "/filelink");
    } catch (const Error& error) {
        CHECK(error.errno_value() == EACCES);  // what the compat front reports, as the kernel would
    }
    // Not sticky, or not writable by everyone: the directory's users are trusted, links followed.
    REQUIRE(::chmod(shared.c_str(), 0777) == 0);
    CHECK_NOTHROW(check_trusted_links(shared + "/dirlink/pw"));
    REQUIRE(::chmod(shared.c_str(), 01775) == 0);
    CHECK_NOTHROW(check_trusted_links(shared + "/dirlink/pw"));
    // The directory's owner may plant links in it.
    REQUIRE(::chmod(shared.c_str(), 01777) == 0);
    REQUIRE(::chown(shared.c_str(), nobody->pw_uid, nobody->pw_gid) == 0);
    CHECK_NOTHROW(check_trusted_links(shared + "/dirlink/pw"));
}
