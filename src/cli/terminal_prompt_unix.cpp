// Reading at the terminal. Bytes go straight from read(2) into a Secret (read_secret_line), so
// no stdio buffer or std::string ever holds them.
#include "cli/terminal_prompt.hpp"

#include "core/error.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/input/password_source.hpp"
#include "core/sys/signal_guard.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <utility>

namespace mqpasswd::cli {
namespace {

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

// While alive, Ctrl-Z (SIGTSTP) puts `shown` back on the terminal `fd` before the process stops,
// so the shell gets its echo back; on SIGCONT it sets `hidden` again and shows `prompt` on
// `prompt_fd` once more (the stop discarded what was typed). `prompt` must outlive the guard.
class StopGuard {
public:
    StopGuard(int fd, const termios& shown, const termios& hidden, int prompt_fd, std::string_view prompt) {
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
    StopGuard(const StopGuard&) = delete;
    StopGuard& operator=(const StopGuard&) = delete;
    ~StopGuard() {
        stop_fd = -1;
        sigaction(SIGTSTP, &stop_previous, nullptr);
    }
};

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

// One native prompt; the terminal's newline, not echoed, is written after the entry.
Secret prompt_once(int tty_out, std::string_view prompt) {
    Secret password;
    LineRead read;
    // Stopping at the limit leaves the rest of an over-long line queued: TCSAFLUSH discards it.
    const auto read_entry = [&] { read = read_secret_line(STDIN_FILENO, password, max_typed_line - 1); };
    if (!read_hidden(tty_out, prompt, TypedAhead::discard, read_entry)) {
        throw system_error({}, "cannot read the terminal settings", errno);
    }
    write_prompt(tty_out, "\n");
    return typed_line(read, std::move(password));
}

}  // namespace

void write_prompt(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written <= 0) {
            if (written < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

bool read_hidden(int prompt_fd, std::string_view prompt, TypedAhead typed_ahead,
                 const std::function<void()>& read_entry) {
    termios saved{};
    if (::tcgetattr(STDIN_FILENO, &saved) != 0) {
        return false;
    }
    const int when = typed_ahead == TypedAhead::discard ? TCSAFLUSH : TCSANOW;
    const TerminalGuard guard(STDIN_FILENO, saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    {
        // Ends before echo is restored: a stop after that must not turn it off again.
        const StopGuard stop(STDIN_FILENO, saved, quiet, prompt_fd, prompt);
        // Echo goes off before the prompt appears: whoever sees the prompt may type at once.
        ::tcsetattr(STDIN_FILENO, when, &quiet);
        write_prompt(prompt_fd, prompt);
        try {
            read_entry();
        } catch (...) {
            ::tcsetattr(STDIN_FILENO, when, &saved);
            throw;
        }
    }
    ::tcsetattr(STDIN_FILENO, when, &saved);
    return true;
}

Secret prompt_password(bool confirm) {
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

}  // namespace mqpasswd::cli
