#include "core/error.hpp"
#include "core/fs/file_lock.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
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

TEST_CASE("writers of one password file exclude each other through its lock file", "[file_lock]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "a:b\n");
    const PasswordFileLock held(open_dir(dir), "pw", "pw", ::geteuid());
    CHECK(in_child([&] {
              try {
                  const PasswordFileLock second(open_dir(dir), "pw", "pw", ::geteuid(), false,
                                                std::chrono::milliseconds(200));
                  return 10;  // got a lock that is held: wrong
              } catch (const Error& error) {
                  return error.message().find("held the lock") != std::string::npos ? 0 : 11;
              }
          }) == 0);
    struct stat info {};
    REQUIRE(::stat(dir.file(".pw.mqpasswd.lock").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);  // only its owner (and root) can open it, so only they can hold it
}

TEST_CASE("a lock on the directory stalls no writer, not even one creating the file", "[file_lock]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "a:b\n");
    const DirectoryLock someone_else(dir.path().string());
    for (const char* name : {"pw", "new"}) {
        INFO(name);
        CHECK(in_child([&] {
                  try {
                      const PasswordFileLock writer(open_dir(dir), name, name, ::geteuid(), false,
                                                    std::chrono::milliseconds(200));
                      return 0;
                  } catch (...) {
                      return 1;
                  }
              }) == 0);
    }
}

TEST_CASE("a dry run makes no lock file, and a lock file opened up is closed again", "[file_lock]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "a:b\n");
    { const PasswordFileLock dry(open_dir(dir), "pw", "pw", ::geteuid(), true); }
    CHECK(dir.entries() == std::vector<std::string>{"pw"});
    test::write_file(dir.file(".pw.mqpasswd.lock"), "");
    REQUIRE(::chmod(dir.file(".pw.mqpasswd.lock").c_str(), 0666) == 0);
    { const PasswordFileLock writer(open_dir(dir), "pw", "pw", ::geteuid()); }
    struct stat info {};
    REQUIRE(::stat(dir.file(".pw.mqpasswd.lock").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    REQUIRE(::symlink("pw", dir.file(".new.mqpasswd.lock").c_str()) == 0);
    std::string message;
    try {
        const PasswordFileLock writer(open_dir(dir), "new", "new", ::geteuid());
    } catch (const Error& error) {
        message = error.message();
    }
    CHECK(message.rfind("cannot open its lock file .new.mqpasswd.lock", 0) == 0);  // a link is never followed
}
