// Cleanup that must also happen when SIGINT/SIGTERM/SIGHUP arrive: removing a half-written temp
// file and restoring terminal echo. The handler does only async-signal-safe work, then re-raises.
#pragma once

#include <string>

struct termios;

namespace mqpasswd {

// While alive, a fatal signal unlinks `name` in the directory `dir_fd` before the process dies.
class TempFileGuard {
public:
    TempFileGuard(int dir_fd, const std::string& name);
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;
    ~TempFileGuard();
    // The file was renamed into place: nothing is left to remove.
    void release() noexcept;
};

// While alive, a fatal signal restores the terminal settings of `fd` before the process dies.
class TerminalGuard {
public:
    TerminalGuard(int fd, const termios& saved);
    TerminalGuard(const TerminalGuard&) = delete;
    TerminalGuard& operator=(const TerminalGuard&) = delete;
    ~TerminalGuard();
};

}  // namespace mqpasswd
