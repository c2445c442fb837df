#include "core/error.hpp"
#include "core/file_lock.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <sys/wait.h>
#include <unistd.h>

using namespace mqpasswd;

TEST_CASE("a second writer waits for the lock and gives up with a clear error", "[file_lock]") {
    const test::TempDir dir;
    const DirectoryLock held(dir.path().string());
    // flock locks belong to the open file description: a child process opening the directory
    // anew competes like another mqpasswd would.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            const DirectoryLock second(dir.path().string(), std::chrono::milliseconds(200));
            ::_exit(10);  // got a lock that is held: wrong
        } catch (const Error& error) {
            ::_exit(error.message().find("held the lock") != std::string::npos ? 0 : 11);
        }
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the lock is free again once released", "[file_lock]") {
    const test::TempDir dir;
    { const DirectoryLock first(dir.path().string()); }
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            const DirectoryLock second(dir.path().string(), std::chrono::milliseconds(200));
            ::_exit(0);
        } catch (...) {
            ::_exit(1);
        }
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
}

namespace {

// Runs `body` in a child process (flock locks belong to the open file description, so a child
// opening the file anew competes like another mqpasswd would); its exit status.
template <typename Body> int in_child(Body body) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

UniqueFd open_dir(const test::TempDir& dir) {
    return UniqueFd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

}  // namespace

TEST_CASE("writers of one password file exclude each other through the file itself", "[file_lock]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "a:b\n");
    const PasswordFileLock held(open_dir(dir), "pw", "pw");
    CHECK(in_child([&] {
              try {
                  const PasswordFileLock second(open_dir(dir), "pw", "pw", std::chrono::milliseconds(200));
                  return 10;  // got a lock that is held: wrong
              } catch (const Error& error) {
                  return error.message().find("held the lock") != std::string::npos ? 0 : 11;
              }
          }) == 0);
}

TEST_CASE("a lock on the directory does not stall a writer of an existing file", "[file_lock]") {
    // Anyone who can open the directory can flock it; only who can open the file can stall us.
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "a:b\n");
    const DirectoryLock someone_else(dir.path().string());
    CHECK(in_child([&] {
              try {
                  const PasswordFileLock writer(open_dir(dir), "pw", "pw", std::chrono::milliseconds(200));
                  return 0;
              } catch (...) {
                  return 1;
              }
          }) == 0);
    // A file still to be created has no inode: its creators take the directory's lock.
    CHECK(in_child([&] {
              try {
                  const PasswordFileLock creator(open_dir(dir), "new", "new", std::chrono::milliseconds(200));
                  return 10;
              } catch (const Error& error) {
                  return error.message().find("held the lock") != std::string::npos ? 0 : 11;
              }
          }) == 0);
}

TEST_CASE("a waiter whose file was replaced while it waited locks the new one", "[file_lock]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "old\n");
    int go[2];
    REQUIRE(::pipe(go) == 0);
    // Forked before any lock is taken: a child inherits its parent's open file descriptions, and
    // with them the parent's flocks.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char byte = 0;
        if (::read(go[0], &byte, 1) != 1) {
            ::_exit(2);
        }
        try {
            const PasswordFileLock second(open_dir(dir), "pw", "pw", std::chrono::seconds(5));
            ::usleep(300000);  // holding the new file's lock: the parent must wait for it
            ::_exit(0);
        } catch (const Error& error) {
            std::fprintf(stderr, "%s\n", error.message().c_str());
            ::_exit(1);
        }
    }
    auto first = std::make_unique<PasswordFileLock>(open_dir(dir), "pw", "pw");
    REQUIRE(::write(go[1], "x", 1) == 1);
    ::usleep(100000);  // the child is waiting on the old inode
    test::write_file(dir.file("pw.new"), "new\n");
    REQUIRE(::rename(dir.file("pw.new").c_str(), dir.file("pw").c_str()) == 0);
    first.reset();  // the child gets the old inode's lock, sees the name moved on, locks the new file
    ::usleep(150000);
    const auto started = std::chrono::steady_clock::now();
    const PasswordFileLock third(open_dir(dir), "pw", "pw", std::chrono::seconds(5));
    CHECK(std::chrono::steady_clock::now() - started > std::chrono::milliseconds(50));  // it waited for the child
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WEXITSTATUS(status) == 0);
    ::close(go[0]);
    ::close(go[1]);
}
