#include "core/error.hpp"
#include "core/input/password_source.hpp"
#include "support/catch.hpp"
#include "support/memfd.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::memfd_with;

namespace {

Secret from_fd(const std::string& content) {
    const int fd = memfd_with(content);
    PasswordSource source{PasswordSourceKind::fd, fd, {}, 20};
    try {
        Secret password = read_password(source);
        ::close(fd);
        return password;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

// The one line main() would print for the error `read_password(source)` throws.
std::string error_of(const PasswordSource& source) {
    try {
        (void)read_password(source);
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::failure);
        return "mqpasswd: " + describe(error);
    }
    FAIL("expected an error");
    return {};
}

PasswordSource file_source(const std::string& path) {
    return {PasswordSourceKind::file, -1, path, 20};
}

}  // namespace

TEST_CASE("a line from a file descriptor, without its newline", "[password_source]") {
    CHECK(from_fd("hunter2\n").equals("hunter2"));
    CHECK(from_fd("hunter2\r\n").equals("hunter2"));
    CHECK(from_fd("hunter2").equals("hunter2"));                    // no newline at end of input
    CHECK(from_fd(" spaced pw \nsecond\n").equals(" spaced pw "));  // only the first line
    CHECK(from_fd(std::string(65535, 'p') + "\n").size() == 65535);
}

TEST_CASE("password-fd errors name the option and the descriptor", "[password_source]") {
    const int fd = memfd_with("");
    CHECK(error_of({PasswordSourceKind::fd, fd, {}, 20}) ==
          "mqpasswd: --password-fd " + std::to_string(fd) + ": ended before a line was read");
    ::close(fd);
    const int long_fd = memfd_with(std::string(65536, 'p') + "\n");
    CHECK(error_of({PasswordSourceKind::fd, long_fd, {}, 20}) ==
          "mqpasswd: --password-fd " + std::to_string(long_fd) + ": the password is longer than 65535 bytes");
    ::close(long_fd);
    const int empty_line = memfd_with("\nsecond\n");
    CHECK(error_of({PasswordSourceKind::fd, empty_line, {}, 20}) ==
          "mqpasswd: --password-fd " + std::to_string(empty_line) + ": the first line is empty");
    ::close(empty_line);
    CHECK(error_of({PasswordSourceKind::fd, 987, {}, 20}) == "mqpasswd: --password-fd 987: Bad file descriptor");
}

TEST_CASE("standard input keeps its own messages", "[password_source]") {
    const int saved = ::dup(STDIN_FILENO);
    const int fd = memfd_with(std::string(65536, 'p') + "\n");
    ::dup2(fd, STDIN_FILENO);
    CHECK(error_of({PasswordSourceKind::stdin_line, -1, {}, 20}) ==
          "mqpasswd: the password from standard input is longer than 65535 bytes");
    CHECK(read_password({PasswordSourceKind::stdin_line, -1, {}, 20}).empty());  // the line's end
    CHECK(error_of({PasswordSourceKind::stdin_line, -1, {}, 20}) ==
          "mqpasswd: no password: standard input ended before a line was read");
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::close(fd);
}

TEST_CASE("an environment variable is read, then wiped and removed", "[password_source]") {
    ::setenv("MQPASSWD_TEST_PW", "from-env", 1);
    char* value = std::getenv("MQPASSWD_TEST_PW");
    const Secret password = read_password({PasswordSourceKind::env, -1, "MQPASSWD_TEST_PW", 20});
    CHECK(password.equals("from-env"));
    CHECK(std::getenv("MQPASSWD_TEST_PW") == nullptr);
    CHECK(std::string(value, 8) == std::string(8, '\0'));  // our copy of the environment is zeroed
    CHECK(error_of({PasswordSourceKind::env, -1, "MQPASSWD_TEST_PW", 20}) ==
          "mqpasswd: --password-env: environment variable MQPASSWD_TEST_PW is not set");
    ::setenv("MQPASSWD_TEST_PW", "", 1);
    CHECK(error_of({PasswordSourceKind::env, -1, "MQPASSWD_TEST_PW", 20}) ==
          "mqpasswd: --password-env: environment variable MQPASSWD_TEST_PW is empty");
    CHECK(std::getenv("MQPASSWD_TEST_PW") == nullptr);
}

TEST_CASE("a password file's first line", "[password_source]") {
    const test::TempDir dir;
    test::write_file(dir.file("secret"), "from-file\nignored\n");
    CHECK(read_password(file_source(dir.file("secret"))).equals("from-file"));
}

// "the password file" is PWFILE everywhere else in mqpasswd: these name the option and the path.
TEST_CASE("password-file errors name the option and the file", "[password_source]") {
    const test::TempDir dir;
    const std::string prefix = "mqpasswd: " + dir.path().string();
    CHECK(error_of(file_source(dir.file("missing"))) ==
          prefix + "/missing: --password-file: No such file or directory");
    CHECK(error_of(file_source(dir.path().string())) == prefix + ": --password-file: Is a directory");
    test::write_file(dir.file("empty"), "");
    CHECK(error_of(file_source(dir.file("empty"))) == prefix + "/empty: --password-file: the file is empty");
    test::write_file(dir.file("blank"), "\nsecond\n");
    CHECK(error_of(file_source(dir.file("blank"))) == prefix + "/blank: --password-file: the first line is empty");
    test::write_file(dir.file("long"), std::string(65536, 'p'));
    CHECK(error_of(file_source(dir.file("long"))) ==
          prefix + "/long: --password-file: the password is longer than 65535 bytes");
}

TEST_CASE("password-file reads a FIFO, and names it when its writer sends nothing", "[password_source]") {
    const test::TempDir dir;
    const std::string fifo = dir.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const std::string sent : {"from-fifo\n", ""}) {
        const pid_t writer = ::fork();
        REQUIRE(writer >= 0);
        if (writer == 0) {  // opening blocks until the reader opens too, as a shell's writer would
            const int fd = ::open(fifo.c_str(), O_WRONLY);
            const bool ok = fd >= 0 && ::write(fd, sent.data(), sent.size()) == static_cast<ssize_t>(sent.size());
            ::_exit(ok ? 0 : 1);
        }
        if (sent.empty()) {
            CHECK(error_of(file_source(fifo)) == "mqpasswd: " + fifo + ": --password-file: the file is empty");
        } else {
            CHECK(read_password(file_source(fifo)).equals("from-fifo"));
        }
        int status = 0;
        ::waitpid(writer, &status, 0);
        CHECK(status == 0);
    }
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
