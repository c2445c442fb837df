// The write path against a real filesystem: modes, owners, refusals that leave the file as it was.
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/pwfile/update.hpp"
#include "support/broker_targets.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;
using mqpasswd::test::read_file_text;
using mqpasswd::test::TempDir;
using mqpasswd::test::write_file;

namespace {

Edit add(const std::string& user, const std::string& password = "pw") {
    return [user, password](PwFile& file) {
        return set_user(file, user, Secret::copy_of(password), HashSpec{}, test::v2_0);
    };
}

mode_t mode_of(const std::string& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("a new file is created 0600 whatever the umask, only with create", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    std::string message;
    CHECK(error_code_of([&] { (void)update_password_file(path, {}, add("alice")); }, message) == ExitCode::failure);
    CHECK(message == path + ": no such file (use --create to create it)");
    const mode_t old_umask = ::umask(0);
    UpdateOptions options;
    options.create = true;
    const UpdateResult result = update_password_file(path, options, add("alice"));
    ::umask(old_umask);
    CHECK(result.written);
    CHECK(result.created);
    CHECK(mode_of(path) == 0600);
    CHECK(read_file_text(path).rfind("alice:$7$1000$", 0) == 0);
    CHECK(dir.entries() == std::vector<std::string>{"pw"});  // no temp file left
}

TEST_CASE("an existing file keeps its mode and its untouched lines", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    write_file(path, "# header\r\n\nzed:plain\n");
    ::chmod(path.c_str(), 0640);
    const UpdateResult result = update_password_file(path, {}, add("alice"));
    CHECK(result.written);
    CHECK_FALSE(result.created);
    CHECK(mode_of(path) == 0640);
    const std::string content = read_file_text(path);
    CHECK(content.rfind("# header\r\n\nzed:plain\nalice:$7$", 0) == 0);
}

TEST_CASE("an unchanged result writes nothing: the inode and mtime stay", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    UpdateOptions create;
    create.create = true;
    (void)update_password_file(path, create, add("alice"));
    struct stat before {};
    ::stat(path.c_str(), &before);
    const UpdateResult result = update_password_file(path, {}, add("alice"));
    struct stat after {};
    ::stat(path.c_str(), &after);
    CHECK_FALSE(result.written);
    CHECK(before.st_ino == after.st_ino);
    CHECK(before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
    CHECK(result.report.changes[0].action == Action::unchanged);
}

TEST_CASE("an edit that adds no user does not create the file", "[update]") {
    const TempDir dir;
    UpdateOptions options;
    options.create = true;
    const UpdateResult result = update_password_file(dir.file("pw"), options,
                                                     [](PwFile& file) { return remove_users(file, {"nobody"}, true); });
    CHECK_FALSE(result.written);
    CHECK(dir.entries().empty());
}

TEST_CASE("a dry run reports and diffs but writes nothing", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    write_file(path, "bob:plain\n");
    UpdateOptions options;
    options.dry_run = true;
    const UpdateResult result = update_password_file(path, options, add("alice"));
    CHECK_FALSE(result.written);
    CHECK(read_file_text(path) == "bob:plain\n");
    REQUIRE(result.masked_changes.size() == 2);
    CHECK(result.masked_changes[0].text == "bob:********");
    CHECK(result.masked_changes[1].op == DiffOp::add);
    CHECK(result.masked_changes[1].text == "alice:$7$********");
}

TEST_CASE("malformed lines are refused without force and kept with it", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    const std::string original = "a:x\n:nouser\nb:y\n";
    write_file(path, original);
    std::string message;
    CHECK(error_code_of([&] { (void)update_password_file(path, {}, add("c")); }, message) == ExitCode::failure);
    CHECK(message ==
          path + ":2: missing username before ':' (fix the line, or use --force to keep it as it is and go on)");
    CHECK(read_file_text(path) == original);
    UpdateOptions force;
    force.force = true;
    (void)update_password_file(path, force, add("c"));
    CHECK(read_file_text(path).rfind(original + "c:$7$", 0) == 0);
}

TEST_CASE("a duplicate user elsewhere is refused, one the edit resolves is fine", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    const std::string original = "a:x\nb:y\na:z\n";
    write_file(path, original);
    std::string message;
    CHECK(error_code_of([&] { (void)update_password_file(path, {}, add("c")); }, message) == ExitCode::failure);
    CHECK(message.rfind(path + ":3: duplicate user 'a' (first at line 1)", 0) == 0);
    CHECK(read_file_text(path) == original);
    (void)update_password_file(path, {}, [](PwFile& file) { return remove_users(file, {"a"}, false); });
    CHECK(read_file_text(path) == "b:y\n");
}

TEST_CASE("an edit error names the file and leaves it as it was", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("pw");
    write_file(path, "a:x\n");
    std::string message;
    const auto code = error_code_of(
        [&] { (void)update_password_file(path, {}, [](PwFile& file) { return remove_users(file, {"zz"}, false); }); },
        message);
    CHECK(code == ExitCode::no_such_user);
    CHECK(message == path + ": no such user 'zz'");
    CHECK(read_file_text(path) == "a:x\n");
}

TEST_CASE("symlinks and non-regular files are refused", "[update]") {
    const TempDir dir;
    const std::string target = dir.file("real");
    write_file(target, "a:x\n");
    const std::string link = dir.file("link");
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
    std::string message;
    CHECK(error_code_of([&] { (void)update_password_file(link, {}, add("b")); }, message) == ExitCode::failure);
    CHECK(message.find("is a symbolic link") != std::string::npos);
    CHECK(error_code_of([&] { check_writable_target(link, false); }, message) == ExitCode::failure);
    CHECK(read_file_text(target) == "a:x\n");
    const std::string fifo = dir.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(error_code_of([&] { (void)update_password_file(fifo, {}, add("b")); }, message) == ExitCode::failure);
    CHECK(message == fifo + ": not a regular file");
    CHECK(error_code_of([&] { (void)read_file(dir.path().string()); }, message) == ExitCode::failure);
}

TEST_CASE("a missing directory is a clear error", "[update]") {
    const TempDir dir;
    const std::string path = dir.file("nodir/pw");
    std::string message;
    CHECK(error_code_of([&] { check_writable_target(path, true); }, message) == ExitCode::failure);
    UpdateOptions options;
    options.create = true;
    CHECK(error_code_of([&] { (void)update_password_file(path, options, add("a")); }, message) == ExitCode::failure);
    CHECK(message == path + ": cannot reach " + dir.file("nodir") + ": No such file or directory");
}

TEST_CASE("an unwritable directory fails before anything is written", "[update]") {
    if (::geteuid() == 0) {
        SUCCEED("root can write anywhere; covered by the integration tests as another user");
        return;
    }
    const TempDir dir;
    const std::string path = dir.file("pw");
    write_file(path, "a:x\n");
    ::chmod(dir.path().c_str(), 0500);
    std::string message;
    CHECK(error_code_of([&] { check_writable_target(path, false); }, message) == ExitCode::failure);
    CHECK(error_code_of([&] { (void)update_password_file(path, {}, add("b")); }, message) == ExitCode::failure);
    ::chmod(dir.path().c_str(), 0700);
    CHECK(read_file_text(path) == "a:x\n");
}

TEST_CASE("as root a new file goes to the broker's account when it exists", "[update]") {
    if (::geteuid() != 0) {
        SUCCEED("needs root");
        return;
    }
    const FileOwnership ownership = new_file_ownership({});
    CHECK(ownership.mode == 0600);
    OwnerRequest request;
    request.owner = "0";
    request.group = "0";
    const FileOwnership explicit_root = new_file_ownership(request);
    CHECK(explicit_root.uid == 0);
    CHECK(explicit_root.gid == 0);
    request.owner = "no-such-account-here";
    CHECK_THROWS_AS(new_file_ownership(request), Error);
}
