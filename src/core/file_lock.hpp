// The writers' locks: an exclusive flock on the password file itself, or, to create it, on its
// directory.
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

// The lock every writer of one password file holds from its read to its rename. On the file
// itself when it exists: only who can open it (its owner, root; a 0640 file's group) can take
// it, so another user who can merely enter the directory cannot stall root's writes (a flock on
// the directory can be taken by anyone who can open it). The file is replaced by rename, so a
// waiter that gets the lock of an inode the name no longer points to tries again on the new one.
// A file that does not exist yet has no inode: its creators take the directory's lock, and
// whoever gets it and then finds the file there goes back to locking the file.
class PasswordFileLock {
public:
    // `directory` is the checked directory (open_checked_parent); it is kept, and dir() returns it.
    PasswordFileLock(UniqueFd directory, const std::string& name, const std::string& display,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

    [[nodiscard]] int dir() const noexcept { return dir_.get(); }

private:
    UniqueFd dir_;
    UniqueFd held_;  // the file's fd, or a dup of the directory's while creating
};

}  // namespace mqpasswd
