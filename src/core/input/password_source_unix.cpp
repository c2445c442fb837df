// Password input. Bytes go straight from read(2) into a Secret, one at a time, so no stdio buffer
// or std::string ever holds them.
#include "core/input/password_source.hpp"

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/fs/source_file.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/pwfile/username.hpp"
#include "core/sys/signal_guard.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <utility>

namespace mqpasswd {
namespace {

// A terminal in canonical mode keeps at most 4095 bytes of a line (N_TTY_BUF_SIZE - 1 on Linux)
// and drops the rest unseen, so a line that long may be the start of a longer password; hashing
// it would set a password no one knows (and the confirmation, cut the same way, would agree).
constexpr std::size_t max_typed_line = 4095;

struct LineRead {
    enum Status { ok, no_input, too_long, failed } status = ok;
    int errno_value = 0;  // failed: the read's errno
};

// Reads one line into `out` (without "\n" or "\r\n"), stopping once it holds `limit` bytes.
// `no_input`: end of input before any byte. A last line without a newline counts.
// `idle`: a non-blocking source (open_source_file) read with a bound on its silence.
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

// StopGuard's state: one prompt at a time, so one slot, read by the handler.
termios stop_shown;
termios stop_hidden;
volatile std::sig_atomic_t stop_fd = -1;
int stop_prompt_fd = -1;
std::string_view stop_prompt;
struct sigaction stop_previous {};

extern "C" void on_terminal_stop(int signal_number);

void install_stop_handler() {
    struct sigaction action {};
    action.sa_handler = on_terminal_stop;
    action.sa_flags = SA_RESTART;  // the read of the password resumes where it was
    sigemptyset(&action.sa_mask);
    sigaction(SIGTSTP, &action, nullptr);
}

// Only async-signal-safe calls: tcsetattr, sigaction, sigprocmask, raise, write.
extern "C" void on_terminal_stop(int signal_number) {
    const int saved_errno = errno;
    if (stop_fd >= 0) {
        tcsetattr(stop_fd, TCSANOW, &stop_shown);
    }
    struct sigaction stop {};
    stop.sa_handler = SIG_DFL;
    sigemptyset(&stop.sa_mask);
    sigaction(signal_number, &stop, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(signal_number);  // stops here; returns on SIGCONT
    install_stop_handler();
    if (stop_fd >= 0) {
        tcsetattr(stop_fd, TCSANOW, &stop_hidden);
        [[maybe_unused]] const auto ignored = write(stop_prompt_fd, stop_prompt.data(), stop_prompt.size());
    }
    errno = saved_errno;
}

// The terminal's line, or the reason there is none.
Secret typed_line(const LineRead& read, Secret password) {
    switch (read.status) {
    case LineRead::failed:
        throw system_error({}, "cannot read the password from the terminal", read.errno_value);
    case LineRead::no_input:
        throw Error(ExitCode::failure, "no password entered (end of input)");
    case LineRead::too_long:
        throw Error(ExitCode::failure, "the password is too long to type at a terminal (4095 bytes or more); "
                                       "use --stdin or --password-file");
    case LineRead::ok:
        break;
    }
    return password;
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
    Secret password;
    LineRead read;
    {
        // Ends before echo is restored: a stop after that must not turn it off again.
        const StopGuard stop(STDIN_FILENO, saved, quiet, tty_out, prompt);
        // Echo goes off before the prompt appears: whoever sees the prompt may type at once.
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        write_text(tty_out, prompt);
        // Stopping at the limit leaves the rest of an over-long line queued: TCSAFLUSH discards it.
        read = read_line(STDIN_FILENO, password, max_typed_line - 1);
    }
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    write_text(tty_out, "\n");
    return typed_line(read, std::move(password));
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
        throw Error(ExitCode::failure, "--password-env: environment variable " + name + " is not set");
    }
    Secret password = Secret::copy_of(value);
    // Our copy of the environment is ours to wipe; children and /proc/PID/environ keep theirs.
    OPENSSL_cleanse(value, std::strlen(value));
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

Secret read_password(const PasswordSource& source, bool confirm) {
    switch (source.kind) {
    case PasswordSourceKind::prompt:
        return prompt(confirm);
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
    case PasswordSourceKind::argument:
        break;
    }
    throw Error(ExitCode::failure, "internal error: the password argument is not read from a source");
}

StopGuard::StopGuard(int fd, const termios& shown, const termios& hidden, int prompt_fd, std::string_view prompt) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigset_t previous_mask;
    sigprocmask(SIG_BLOCK, &set, &previous_mask);  // the handler never sees a half-set slot
    stop_shown = shown;
    stop_hidden = hidden;
    stop_prompt_fd = prompt_fd;
    stop_prompt = prompt;
    stop_fd = fd;
    sigaction(SIGTSTP, nullptr, &stop_previous);
    if (stop_previous.sa_handler != SIG_IGN) {  // a parent that ignores stops keeps them ignored
        install_stop_handler();
    }
    sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
}

StopGuard::~StopGuard() {
    stop_fd = -1;
    sigaction(SIGTSTP, &stop_previous, nullptr);
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
    OPENSSL_cleanse(pool, sizeof pool);
    return password;
}

}  // namespace mqpasswd
