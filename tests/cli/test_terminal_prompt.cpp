#include "cli/terminal_prompt.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"
#include "support/memfd.hpp"

#include <fcntl.h>
#include <stdexcept>
#include <stdlib.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

using namespace mqpasswd;
using mqpasswd::test::memfd_with;
using namespace mqpasswd::cli;

namespace {

// Puts `fd` on stdin for the guard's life.
class StdinFrom {
public:
    explicit StdinFrom(int fd) : saved_(::dup(STDIN_FILENO)) { REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO); }
    StdinFrom(const StdinFrom&) = delete;
    StdinFrom& operator=(const StdinFrom&) = delete;
    ~StdinFrom() {
        ::dup2(saved_, STDIN_FILENO);
        ::close(saved_);
    }

private:
    int saved_;
};

// A pseudo-terminal pair: the test plays the person at `master`, the code reads `slave`.
struct Pty {
    int master = -1;
    int slave = -1;
    Pty() {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(master >= 0);
        REQUIRE(::grantpt(master) == 0);
        REQUIRE(::unlockpt(master) == 0);
        slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        REQUIRE(slave >= 0);
    }
    Pty(const Pty&) = delete;
    Pty& operator=(const Pty&) = delete;
    ~Pty() {
        ::close(slave);
        ::close(master);
    }
    bool echoing() const {
        termios now{};
        REQUIRE(::tcgetattr(slave, &now) == 0);
        return (now.c_lflag & ECHO) != 0;
    }
};

}  // namespace

TEST_CASE("the prompt refuses to run without a terminal instead of hanging", "[terminal_prompt]") {
    const int fd = memfd_with("pw\npw\n");
    const StdinFrom input(fd);
    try {
        (void)prompt_password(true);
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        CHECK(error.message().rfind("no password source: standard input is not a terminal", 0) == 0);
    }
    ::close(fd);
}

TEST_CASE("read_hidden shows and reads nothing when stdin is not a terminal", "[terminal_prompt]") {
    const int input_fd = memfd_with("typed\n");
    const int shown = memfd_with("");
    const StdinFrom input(input_fd);
    bool read = false;
    CHECK_FALSE(read_hidden(shown, "Password: ", TypedAhead::keep, [&] { read = true; }));
    CHECK_FALSE(read);
    CHECK(::lseek(shown, 0, SEEK_END) == 0);
    ::close(input_fd);
    ::close(shown);
}

TEST_CASE("read_hidden turns echo off for the entry only, and back on after an exception", "[terminal_prompt]") {
    const Pty pty;
    const StdinFrom input(pty.slave);
    const int shown = memfd_with("");
    REQUIRE(pty.echoing());
    for (const TypedAhead typed_ahead : {TypedAhead::discard, TypedAhead::keep}) {
        bool echo_while_reading = true;
        CHECK(read_hidden(shown, "Password: ", typed_ahead, [&] { echo_while_reading = pty.echoing(); }));
        CHECK_FALSE(echo_while_reading);
        CHECK(pty.echoing());
        CHECK_THROWS_AS(read_hidden(shown, "Password: ", typed_ahead, [] { throw std::runtime_error("read failed"); }),
                        std::runtime_error);
        CHECK(pty.echoing());
    }
    std::string prompts(64, '\0');
    prompts.resize(static_cast<std::size_t>(::pread(shown, prompts.data(), prompts.size(), 0)));
    CHECK(prompts == "Password: Password: Password: Password: ");
    ::close(shown);
}
