// Password input. Bytes go straight from read(2) into a Secret, one at a time, so no stdio buffer
// or std::string ever holds them.
#include "core/password_source.hpp"

#include "core/error.hpp"
#include "core/signal_guard.hpp"
#include "core/unique_fd.hpp"
#include "core/username.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <termios.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

// Reads one line into `out` (without "\n" or "\r\n"). Returns false on end of input before any
// byte. Throws when the line is longer than the broker accepts.
bool read_line(int fd, Secret& out, const std::string& what) {
    bool any = false;
    for (;;) {
        char byte = 0;
        const ssize_t got = ::read(fd, &byte, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            throw system_error({}, "cannot read the password from " + what, errno);
        }
        if (got == 0 || byte == '\n') {
            if (got != 0 || any) {
                break;
            }
            return false;
        }
        any = true;
        if (out.size() >= max_field_length) {
            out.clear();
            throw Error(ExitCode::failure, "the password from " + what + " is longer than 65535 bytes");
        }
        out.push_back(byte);
    }
    if (!out.empty() && out.back() == '\r') {
        out.pop_back();
    }
    return true;
}

Secret read_one_line(int fd, const std::string& what) {
    Secret password;
    if (!read_line(fd, password, what)) {
        throw Error(ExitCode::failure, "no password: " + what + " ended before a line was read");
    }
    return password;
}

void write_text(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written <= 0) {
            if (written < 0 && errno == EINTR) {
                continue;
            }
            return;  // a prompt that cannot be shown is not worth failing over
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

// One prompt with echo off. The terminal is restored on return, on exceptions and on signals.
Secret prompt_once(int tty_out, std::string_view prompt) {
    termios saved{};
    if (::tcgetattr(STDIN_FILENO, &saved) != 0) {
        throw system_error({}, "cannot read the terminal settings", errno);
    }
    const TerminalGuard guard(STDIN_FILENO, saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // Echo goes off before the prompt appears: whoever sees the prompt may type at once.
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    write_text(tty_out, prompt);
    Secret password;
    bool got = false;
    try {
        got = read_line(STDIN_FILENO, password, "the terminal");
    } catch (...) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        write_text(tty_out, "\n");
        throw;
    }
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    write_text(tty_out, "\n");
    if (!got) {
        throw Error(ExitCode::failure, "no password entered (end of input)");
    }
    return password;
}

Secret prompt(bool confirm) {
    if (::isatty(STDIN_FILENO) == 0) {
        throw Error(ExitCode::usage,
                    "no password source: standard input is not a terminal; use --stdin, --password-fd, "
                    "--password-env, --password-file, --generate or -b");
    }
    // Prompts go to the terminal itself so that stdout stays clean for --json and pipes.
    UniqueFd tty(::open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC));
    const int tty_out = tty.valid() ? tty.get() : STDERR_FILENO;
    Secret password = prompt_once(tty_out, "Password: ");
    if (confirm) {
        const Secret again = prompt_once(tty_out, "Reenter password: ");
        if (!password.equals(again)) {
            throw Error(ExitCode::failure, "passwords do not match");
        }
    }
    return password;
}

Secret from_environment(const std::string& name) {
    char* value = std::getenv(name.c_str());
    if (value == nullptr) {
        throw Error(ExitCode::failure, "environment variable " + name + " is not set");
    }
    Secret password = Secret::copy_of(value);
    // Our copy of the environment is ours to wipe; children and /proc/PID/environ keep theirs.
    OPENSSL_cleanse(value, std::strlen(value));
    ::unsetenv(name.c_str());
    return password;
}

Secret from_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        throw system_error(path, "cannot open the password file", errno);
    }
    return read_one_line(fd.get(), path);
}

}  // namespace

Secret read_password(const PasswordSource& source, bool confirm) {
    switch (source.kind) {
    case PasswordSourceKind::prompt:
        return prompt(confirm);
    case PasswordSourceKind::stdin_line:
        return read_one_line(STDIN_FILENO, "standard input");
    case PasswordSourceKind::fd:
        return read_one_line(source.fd, "file descriptor " + std::to_string(source.fd));
    case PasswordSourceKind::env:
        return from_environment(source.name);
    case PasswordSourceKind::file:
        return from_file(source.name);
    case PasswordSourceKind::generate:
        return generate_password(source.length);
    case PasswordSourceKind::argument:
        break;
    }
    throw Error(ExitCode::failure, "internal error: the password argument is not read from a source");
}

Secret generate_password(std::size_t length) {
    static constexpr std::string_view alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    if (length < min_generated_length || length > max_generated_length) {
        throw Error(ExitCode::usage, "--generate length must be from 8 to 1024");
    }
    // The largest multiple of the alphabet size below 256: bytes above it would bias the choice.
    constexpr unsigned limit = 256 - 256 % alphabet.size();
    Secret password;
    unsigned char pool[64];
    while (password.size() < length) {
        if (RAND_bytes(pool, sizeof pool) != 1) {
            throw Error(ExitCode::failure, "cannot get random bytes from OpenSSL");
        }
        for (const unsigned char byte : pool) {
            if (byte < limit && password.size() < length) {
                password.push_back(alphabet[byte % alphabet.size()]);
            }
        }
    }
    OPENSSL_cleanse(pool, sizeof pool);
    return password;
}

}  // namespace mqpasswd
