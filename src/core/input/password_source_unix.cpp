// Password input. Bytes go straight from read(2) into a Secret, one at a time, so no stdio buffer
// or std::string ever holds them.
#include "core/input/password_source.hpp"

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/fs/source_file.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/pwfile/username.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace mqpasswd {
namespace {

// read_secret_line; `idle`: a non-blocking source (open_source_file) read with a bound on its silence.
LineRead read_line(int fd, Secret& out, std::size_t limit,
                   std::optional<std::pair<std::chrono::milliseconds, std::string>> idle = {}) {
    bool any = false;
    for (;;) {
        char byte = 0;
        const ssize_t got =
            idle ? static_cast<ssize_t>(read_within(fd, &byte, 1, idle->first, idle->second)) : ::read(fd, &byte, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            out.clear();
            return {LineRead::failed, errno};
        }
        if (got == 0 || byte == '\n') {
            if (got == 0 && !any) {
                return {LineRead::no_input, 0};
            }
            break;
        }
        any = true;
        if (out.size() >= limit) {
            out.clear();
            return {LineRead::too_long, 0};
        }
        out.push_back(byte);
    }
    if (!out.empty() && out.back() == '\r') {
        out.pop_back();
    }
    return {};
}

// How errors name the source the user chose: the option ("--password-fd 3"), and for a file its
// path, which mqpasswd prints first everywhere.
struct Origin {
    std::string option;
    std::string path;
};

Error origin_error(const Origin& origin, const std::string& reason, int errno_value = 0) {
    return Error(ExitCode::failure, origin.option + ": " + reason, origin.path, 0, errno_value);
}

// --password-fd and --password-file: the first line, which must not be empty.
Secret read_first_line(int fd, const Origin& origin, const char* nothing_read, bool bounded_wait = false) {
    Secret password;
    LineRead read;
    try {
        read = bounded_wait ? read_line(fd, password, max_field_length, std::pair{source_idle_wait, origin.path})
                            : read_line(fd, password, max_field_length);
    } catch (const Error& error) {
        throw origin_error(origin, error.message(), error.errno_value());
    }
    switch (read.status) {
    case LineRead::failed:
        throw origin_error(origin, std::strerror(read.errno_value), read.errno_value);
    case LineRead::no_input:
        throw origin_error(origin, nothing_read);
    case LineRead::too_long:
        throw origin_error(origin, "the password is longer than 65535 bytes");
    case LineRead::ok:
        break;
    }
    if (password.empty()) {
        throw origin_error(origin, "the first line is empty");
    }
    return password;
}

Secret read_stdin() {
    Secret password;
    const LineRead read = read_line(STDIN_FILENO, password, max_field_length);
    switch (read.status) {
    case LineRead::failed:
        throw system_error({}, "cannot read the password from standard input", read.errno_value);
    case LineRead::no_input:
        throw Error(ExitCode::failure, "no password: standard input ended before a line was read");
    case LineRead::too_long:
        throw Error(ExitCode::failure, "the password from standard input is longer than 65535 bytes");
    case LineRead::ok:
        break;
    }
    return password;  // an empty line is refused by the caller, as for every source
}

Secret from_environment(const std::string& name) {
    char* value = std::getenv(name.c_str());
    if (value == nullptr) {
        throw Error(ExitCode::failure, "--password-env: environment variable " + name + " is not set");
    }
    Secret password = Secret::copy_of(value);
    // Our copy of the environment is ours to wipe; children and /proc/PID/environ keep theirs.
    wipe_buffer(value, std::strlen(value));
    ::unsetenv(name.c_str());
    if (password.empty()) {
        throw Error(ExitCode::failure, "--password-env: environment variable " + name + " is empty");
    }
    return password;
}

Secret from_file(const std::string& path) {
    const Origin origin{"--password-file", path};
    // Under the path policy, never a device, never blocking for good: a FIFO (or bash's <(...))
    // gets source_first_byte_wait for its writer and source_idle_wait between bytes.
    struct stat info {};
    UniqueFd fd;
    try {
        fd = open_source_file(path, path, info);
    } catch (const Error& error) {
        // The system's word alone ("No such file or directory"), as the other sources say it.
        const int code = error.errno_value();
        const bool system_call = code != 0 && error.message().rfind("cannot ", 0) == 0;
        throw origin_error(origin, system_call ? std::strerror(code) : error.message(), code);
    }
    return read_first_line(fd.get(), origin, "the file is empty", true);
}

}  // namespace

LineRead read_secret_line(int fd, Secret& out, std::size_t limit) {
    return read_line(fd, out, limit);
}

Secret read_password(const PasswordSource& source) {
    switch (source.kind) {
    case PasswordSourceKind::stdin_line:
        return read_stdin();
    case PasswordSourceKind::fd:
        return read_first_line(source.fd, {"--password-fd " + std::to_string(source.fd), {}},
                               "ended before a line was read");
    case PasswordSourceKind::env:
        return from_environment(source.name);
    case PasswordSourceKind::file:
        return from_file(source.name);
    case PasswordSourceKind::generate:
        return generate_password(source.length);
    case PasswordSourceKind::prompt:
    case PasswordSourceKind::argument:
        break;
    }
    throw Error(ExitCode::failure, "internal error: the prompt and the argument are not read from a source");
}

Secret generate_password(std::size_t length) {
    static constexpr std::string_view alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    if (length < min_generated_length || length > max_generated_length) {
        throw Error(ExitCode::usage, "--generate length must be from 8 to 1024");
    }
    // The largest multiple of the alphabet size below 256: bytes above it would bias the choice.
    constexpr unsigned limit = 256 - 256 % alphabet.size();
    Secret password;
    std::uint8_t pool[64];
    while (password.size() < length) {
        random_bytes(pool);
        for (const unsigned char byte : pool) {
            if (byte < limit && password.size() < length) {
                password.push_back(alphabet[byte % alphabet.size()]);
            }
        }
    }
    wipe_buffer(pool, sizeof pool);
    return password;
}

}  // namespace mqpasswd
