// flock(2) on a directory fd; polled with LOCK_NB so a stuck writer yields a clear error, not a hang.
#include "core/file_lock.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
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
