#include "core/error.hpp"
#include "core/password_source.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <set>
#include <sys/mman.h>
#include <unistd.h>

using namespace mqpasswd;

namespace {

// A descriptor reading `content` from its start. A memfd, not a pipe: a pipe holds only 64 KiB
// and the over-long-line case needs more.
int pipe_with(const std::string& content) {
    const int fd = ::memfd_create("password", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

Secret from_fd(const std::string& content) {
    const int fd = pipe_with(content);
    PasswordSource source{PasswordSourceKind::fd, fd, {}, 20};
    try {
        Secret password = read_password(source, false);
        ::close(fd);
        return password;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

}  // namespace

TEST_CASE("a line from a file descriptor, without its newline", "[password_source]") {
    CHECK(from_fd("hunter2\n").equals("hunter2"));
    CHECK(from_fd("hunter2\r\n").equals("hunter2"));
    CHECK(from_fd("hunter2").equals("hunter2"));                    // no newline at end of input
    CHECK(from_fd(" spaced pw \nsecond\n").equals(" spaced pw "));  // only the first line
    CHECK(from_fd("\n").empty());                                   // an empty line is read (and refused later)
    CHECK(from_fd(std::string(65535, 'p') + "\n").size() == 65535);
}

TEST_CASE("end of input and over-long lines are errors", "[password_source]") {
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(from_fd(""), Contains("ended before a line was read"));
    CHECK_THROWS_WITH(from_fd(std::string(65536, 'p') + "\n"), Contains("is longer than 65535 bytes"));
}

TEST_CASE("an environment variable is read, then wiped and removed", "[password_source]") {
    ::setenv("MQPASSWD_TEST_PW", "from-env", 1);
    char* value = std::getenv("MQPASSWD_TEST_PW");
    const Secret password = read_password({PasswordSourceKind::env, -1, "MQPASSWD_TEST_PW", 20}, false);
    CHECK(password.equals("from-env"));
    CHECK(std::getenv("MQPASSWD_TEST_PW") == nullptr);
    CHECK(std::string(value, 8) == std::string(8, '\0'));  // our copy of the environment is zeroed
    CHECK_THROWS_WITH(read_password({PasswordSourceKind::env, -1, "MQPASSWD_TEST_PW", 20}, false),
                      "environment variable MQPASSWD_TEST_PW is not set");
}

TEST_CASE("a password file's first line", "[password_source]") {
    const test::TempDir dir;
    test::write_file(dir.file("secret"), "from-file\nignored\n");
    CHECK(read_password({PasswordSourceKind::file, -1, dir.file("secret"), 20}, false).equals("from-file"));
    CHECK_THROWS_AS(read_password({PasswordSourceKind::file, -1, dir.file("missing"), 20}, false), Error);
}

TEST_CASE("the prompt refuses to run without a terminal instead of hanging", "[password_source]") {
    const int saved = ::dup(STDIN_FILENO);
    const int fd = pipe_with("pw\npw\n");
    ::dup2(fd, STDIN_FILENO);
    try {
        (void)read_password({}, true);
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        CHECK(error.message().rfind("no password source: standard input is not a terminal", 0) == 0);
    }
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::close(fd);
}

TEST_CASE("generated passwords have the asked length, a safe alphabet and vary", "[password_source]") {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const Secret password = generate_password(20);
        REQUIRE(password.size() == 20);
        std::string text(password.bytes().begin(), password.bytes().end());
        CHECK(text.find_first_of("0O1lI") == std::string::npos);  // no look-alikes
        CHECK(text.find_first_not_of("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") == std::string::npos);
        seen.insert(text);
    }
    CHECK(seen.size() == 50);
    CHECK(generate_password(8).size() == 8);
    CHECK_THROWS_AS(generate_password(7), Error);
    CHECK_THROWS_AS(generate_password(1025), Error);
}
