// The one error type of mqpasswd: an exit code, a message, and where it applies the file and line.
// Core code throws it; main() catches it once and prints "mqpasswd: FILE:LINE: message".
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace mqpasswd {

enum class ExitCode : int {
    ok = 0,
    failure = 1,        // I/O, parse errors, refusals for safety
    usage = 2,          // the command line itself is wrong
    verify_failed = 3,  // verify: the password does not match
    no_such_user = 4,   // the user named is not in the file
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string message, std::string path = {}, std::size_t line = 0, int errno_value = 0);

    [[nodiscard]] ExitCode code() const noexcept { return code_; }
    [[nodiscard]] const std::string& message() const noexcept { return message_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] std::size_t line() const noexcept { return line_; }
    // The errno of the failed system call behind this error, or 0. The compat front needs it to
    // print mosquitto_passwd's own "... %s." messages.
    [[nodiscard]] int errno_value() const noexcept { return errno_value_; }

private:
    ExitCode code_;
    std::string message_;
    std::string path_;
    std::size_t line_;
    int errno_value_;
};

// "PATH:LINE: message", "PATH: message" or "message", as the error's context allows.
[[nodiscard]] std::string describe(const Error& error);

// An Error for a failed system call: "what: strerror(errno)".
[[nodiscard]] Error system_error(const std::string& path, const std::string& what, int errno_value);

}  // namespace mqpasswd
