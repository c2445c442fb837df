// Formatting of mqpasswd::Error, kept in one place so every front prints errors the same way.
#include "core/error.hpp"

#include <cstring>

namespace mqpasswd {

Error::Error(ExitCode code, std::string message, std::string path, std::size_t line, int errno_value)
    : std::runtime_error(message), code_(code), message_(std::move(message)), path_(std::move(path)), line_(line),
      errno_value_(errno_value) {
}

std::string describe(const Error& error) {
    std::string text;
    if (!error.path().empty()) {
        text += error.path();
        if (error.line() != 0) {
            text += ':' + std::to_string(error.line());
        }
        text += ": ";
    }
    return text + error.message();
}

Error system_error(const std::string& path, const std::string& what, int errno_value) {
    std::string message = what.empty() ? std::string() : what + ": ";
    return Error(ExitCode::failure, message + std::strerror(errno_value), path, 0, errno_value);
}

}  // namespace mqpasswd
