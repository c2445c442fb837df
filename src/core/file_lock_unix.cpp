// flock(2), polled with LOCK_NB so a stuck writer yields a clear error, not a hang.
#include "core/file_lock.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>

namespace mqpasswd {

DirectoryLock::DirectoryLock(const std::string& directory, std::chrono::milliseconds timeout)
    : fd_(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (!fd_.valid()) {
        throw system_error(directory, "cannot open directory", errno);
    }
    lock(directory, timeout);
}

DirectoryLock::DirectoryLock(UniqueFd directory, const std::string& display, std::chrono::milliseconds timeout)
    : fd_(std::move(directory)) {
    lock(display, timeout);
}

namespace {

// Waits for an exclusive flock on `fd` until `deadline`; false when the deadline passed.
bool wait_for_flock(int fd, std::chrono::steady_clock::time_point deadline, const std::string& display) {
    auto pause = std::chrono::milliseconds(1);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            throw system_error(display, "cannot lock", errno);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    return true;
}

[[noreturn]] void held_too_long(const std::string& display, std::chrono::milliseconds timeout) {
    throw Error(ExitCode::failure,
                "another process has held the lock on this file for " + std::to_string(timeout.count() / 1000) +
                    " s; giving up",
                display);
}

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

PasswordFileLock::PasswordFileLock(UniqueFd directory, const std::string& name, const std::string& display,
                                   std::chrono::milliseconds timeout)
    : dir_(std::move(directory)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        UniqueFd file(::openat(dir_.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        struct stat info {};
        if (file.valid() && (::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode))) {
            return;  // not a file to lock: the read that follows says what it is
        }
        if (!file.valid() && errno != ENOENT) {
            return;  // the same: the read reports why it cannot be opened
        }
        UniqueFd held = file.valid() ? std::move(file) : UniqueFd(::fcntl(dir_.get(), F_DUPFD_CLOEXEC, 0));
        if (!wait_for_flock(held.get(), deadline, display)) {
            held_too_long(display, timeout);
        }
        struct stat now {};
        const bool exists = ::fstatat(dir_.get(), name.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0;
        // Locked the file the name still means, or the directory while the name still means nothing.
        if (S_ISREG(info.st_mode) ? exists && same_file(info, now) : !exists) {
            held_ = std::move(held);
            return;
        }
    }
}

void DirectoryLock::lock(const std::string& directory, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            throw system_error(directory, "cannot lock directory", errno);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw Error(ExitCode::failure,
                        "another process has held the lock on this directory for " +
                            std::to_string(timeout.count() / 1000) + " s; giving up",
                        directory);
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

}  // namespace mqpasswd
