#include "core/error.hpp"
#include "core/file_lock.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

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
