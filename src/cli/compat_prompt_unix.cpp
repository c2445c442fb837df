// The real tool reads each entry with fgets into a 65500-byte buffer: at most 65499 bytes per
// read, a longer line is split across the two reads. Reading byte by byte from fd 0 with that
// limit gives the same result without a stdio buffer holding the password.
#include "cli/compat_prompt.hpp"

#include "core/signal_guard.hpp"

#include <cerrno>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace mqpasswd::cli {
namespace {

constexpr std::size_t fgets_limit = 65499;

// fgets: up to the limit or through the newline. False at end of input before any byte.
bool read_entry(Secret& out) {
    bool any = false;
    while (out.size() < fgets_limit) {
        char byte = 0;
        const ssize_t got = ::read(STDIN_FILENO, &byte, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        any = true;
        out.push_back(byte);
        if (byte == '\n') {
            break;
        }
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return any;
}

// One prompt; on a terminal the entry is read with echo off (restored on every path, and by
// the signal guard if the user presses Ctrl-C).
bool prompt_entry(const char* prompt, Secret& out) {
    termios saved{};
    if (::isatty(STDIN_FILENO) == 0 || ::tcgetattr(STDIN_FILENO, &saved) != 0) {
        std::cout << prompt << std::flush;
        return read_entry(out) && !out.empty();
    }
    const TerminalGuard guard(STDIN_FILENO, saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // Echo off before the prompt shows (the real tool does it after, and a fast typist is echoed).
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::cout << prompt << std::flush;
    const bool got = read_entry(out);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return got && !out.empty();
}

}  // namespace

CompatPassword compat_prompt() {
    CompatPassword result;
    if (!prompt_entry("Password: ", result.password)) {
        return {1, "Error: Empty password.\n", Secret()};
    }
    std::cout << '\n';
    Secret again;
    if (!prompt_entry("Reenter password: ", again)) {
        return {1, "Error: Empty password.\n", Secret()};
    }
    std::cout << '\n';
    if (!result.password.equals(again)) {
        return {2, "Error: Passwords do not match.\n", Secret()};
    }
    return result;
}

}  // namespace mqpasswd::cli
