// The writers' locks: an exclusive flock on the password file itself, or, to create it, on its
// directory.
#pragma once

#include "core/fs/unique_fd.hpp"

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

// The lock every writer of one password file holds from its read to its rename: an flock on
// `.NAME.mqpasswd.lock` beside it (as shadow-utils keeps /etc/.pwd.lock), mode 0600 and owned by
// the password file's owner, so only that user and root can open it, and so only they can take or
// hold the lock. (A lock on the directory can be taken by anyone who can open the directory, one
// on the file itself by anyone who can read it: a 0640 file's group.) The lock file stays when the
// writer is done: it is empty, never replaced, and the next writer reuses it.
class PasswordFileLock {
public:
    // `directory` is the checked directory (open_checked_parent); it is kept, and dir() returns it.
    // `owner` owns (or will own) the password file. `dry_run`: a missing lock file is not made and
    // nothing is chowned (a dry run only reads, and the file is only ever replaced whole).
    PasswordFileLock(UniqueFd directory, const std::string& name, const std::string& display, uid_t owner,
                     bool dry_run = false, std::chrono::milliseconds timeout = std::chrono::seconds(30));

    [[nodiscard]] int dir() const noexcept { return dir_.get(); }

private:
    UniqueFd dir_;
    UniqueFd lock_;  // invalid on a dry run that found no lock file
};

// The name of the lock file for the password file `name`.
[[nodiscard]] std::string lock_file_name(const std::string& name);

}  // namespace mqpasswd
