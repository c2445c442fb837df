// The writers' lock: an exclusive flock on the password file's directory.
#pragma once

#include "core/unique_fd.hpp"

#include <chrono>
#include <string>

namespace mqpasswd {

// Locking the directory rather than the file is deliberate: the file itself is replaced by rename,
// so a lock on its old inode would protect nothing, and a file about to be created has no inode.
// It also leaves no lock file behind.
class DirectoryLock {
public:
    // Waits up to `timeout` for the lock, then throws Error. `directory` must exist.
    explicit DirectoryLock(const std::string& directory, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // The same on a directory already opened (and checked: open_checked_parent).
    DirectoryLock(UniqueFd directory, const std::string& display,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    void lock(const std::string& display, std::chrono::milliseconds timeout);
    UniqueFd fd_;
};

}  // namespace mqpasswd
