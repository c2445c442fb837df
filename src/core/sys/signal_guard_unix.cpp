// One process-wide slot per kind of cleanup; mqpasswd writes one file and prompts on one terminal
// at a time, so slots are enough and the handler needs no allocation.
#include "core/sys/signal_guard.hpp"

#include <csignal>
#include <cstring>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_name = 256;  // NAME_MAX + 1: the guard holds a name, never a path
char temp_name[max_name];
volatile std::sig_atomic_t temp_dir_fd = -1;

termios saved_terminal;
volatile std::sig_atomic_t terminal_fd = -1;

constexpr int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void on_fatal_signal(int signal_number) {
    if (temp_dir_fd >= 0) {
        unlinkat(temp_dir_fd, temp_name, 0);
    }
    if (terminal_fd >= 0) {
        tcsetattr(terminal_fd, TCSAFLUSH, &saved_terminal);
        const char newline = '\n';
        [[maybe_unused]] const auto ignored = write(terminal_fd, &newline, 1);
    }
    (void)std::signal(signal_number, SIG_DFL);
    (void)std::raise(signal_number);  // dies here with the signal's own status, as the shell expects
}

void install_handlers() {
    static bool installed = false;
    if (installed) {
        return;
    }
    installed = true;
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    for (const int signal_number : fatal_signals) {
        sigaddset(&action.sa_mask, signal_number);
    }
    for (const int signal_number : fatal_signals) {
        struct sigaction previous {};
        sigaction(signal_number, nullptr, &previous);
        if (previous.sa_handler != SIG_IGN) {  // keep signals that our parent chose to ignore ignored
            sigaction(signal_number, &action, nullptr);
        }
    }
}

// Arming happens with the signals blocked so the handler never sees a half-copied path.
class BlockSignals {
public:
    BlockSignals() {
        sigset_t set;
        sigemptyset(&set);
        for (const int signal_number : fatal_signals) {
            sigaddset(&set, signal_number);
        }
        sigprocmask(SIG_BLOCK, &set, &previous_);
    }
    ~BlockSignals() { sigprocmask(SIG_SETMASK, &previous_, nullptr); }

private:
    sigset_t previous_{};
};

}  // namespace

TempFileGuard::TempFileGuard(int dir_fd, const std::string& name) {
    if (name.size() >= max_name || name.find('/') != std::string::npos) {
        throw std::invalid_argument("temp file name must be a short plain name");
    }
    install_handlers();
    const BlockSignals blocked;
    std::memcpy(temp_name, name.c_str(), name.size() + 1);
    temp_dir_fd = dir_fd;
}

TempFileGuard::~TempFileGuard() {
    release();
}

void TempFileGuard::release() noexcept {
    temp_dir_fd = -1;
}

TerminalGuard::TerminalGuard(int fd, const termios& saved) {
    install_handlers();
    const BlockSignals blocked;
    saved_terminal = saved;
    terminal_fd = fd;
}

TerminalGuard::~TerminalGuard() {
    terminal_fd = -1;
}

}  // namespace mqpasswd
