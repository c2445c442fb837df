// flock(2), polled with LOCK_NB so a stuck writer yields a clear error, not a hang.
#include "core/fs/file_lock.hpp"

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

// Waits for an exclusive flock on `fd` until `deadline`; false when the deadline passed. Any other
// failure throws `failure`.
bool wait_for_flock(int fd, std::chrono::steady_clock::time_point deadline, const std::string& display,
                    const char* failure) {
    auto pause = std::chrono::milliseconds(1);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            throw system_error(display, failure, errno);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    return true;
}

// Gives up on a lock held past `timeout`; `what` is "file" or "directory".
[[noreturn]] void held_too_long(const std::string& display, const char* what, std::chrono::milliseconds timeout) {
    throw Error(ExitCode::failure,
                "another process has held the lock on this " + std::string(what) + " for " +
                    std::to_string(timeout.count() / 1000) + " s; giving up",
                display);
}

// Opens the lock file `lock_name` in `dir`, making it unless on a dry run. One refused to us, in a
// directory that is ours, is made anew. Invalid on failure, errno telling why.
UniqueFd open_lock_file(int dir, const std::string& lock_name, bool dry_run) {
    const int create = dry_run ? 0 : O_CREAT;
    const auto open_lock = [&] {
        return UniqueFd(
            ::openat(dir, lock_name.c_str(), O_RDWR | create | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600));
    };
    UniqueFd lock = open_lock();
    struct stat directory_info {};
    if (!lock.valid() && errno == EACCES && !dry_run && ::fstat(dir, &directory_info) == 0 &&
        directory_info.st_uid == ::geteuid()) {
        // Made for the file's earlier owner, in a directory that is ours: ours to make anew.
        (void)::unlinkat(dir, lock_name.c_str(), 0);
        lock = open_lock();
    }
    return lock;
}

// The open lock file's fstat; refuses anything but a plain file with one name.
struct stat plain_lock_file(int fd, const std::string& lock_name, const std::string& display) {
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        throw system_error(display, "cannot stat its lock file " + lock_name, errno);
    }
    if (!S_ISREG(info.st_mode) || info.st_nlink != 1) {
        throw Error(ExitCode::failure, "its lock file " + lock_name + " is not a plain file; remove it", display);
    }
    return info;
}

// Root keeps the lock file the file's owner's and closed to everyone else (the file may have changed
// hands since); the inode stays, so a writer holding it keeps excluding us. Anyone else closes a
// lock file of their own to others.
void keep_lock_file_private(int fd, const struct stat& info, uid_t owner, const std::string& display) {
    if (::geteuid() == 0 && (info.st_uid != owner || (info.st_mode & 07777) != 0600)) {
        if (::fchown(fd, owner, static_cast<gid_t>(-1)) != 0 || ::fchmod(fd, 0600) != 0) {
            throw system_error(display, "cannot give its lock file to the file's owner", errno);
        }
    } else if ((info.st_mode & 077) != 0 && info.st_uid == ::geteuid()) {
        (void)::fchmod(fd, 0600);
    }
}

}  // namespace

std::string lock_file_name(const std::string& name) {
    return "." + name + ".mqpasswd.lock";
}

PasswordFileLock::PasswordFileLock(UniqueFd directory, const std::string& name, const std::string& display, uid_t owner,
                                   bool dry_run, std::chrono::milliseconds timeout)
    : dir_(std::move(directory)) {
    const std::string lock_name = lock_file_name(name);
    lock_ = open_lock_file(dir_.get(), lock_name, dry_run);
    if (!lock_.valid()) {
        if (dry_run && errno == ENOENT) {
            return;
        }
        throw system_error(display, "cannot open its lock file " + lock_name, errno);
    }
    const struct stat info = plain_lock_file(lock_.get(), lock_name, display);
    if (!dry_run) {
        keep_lock_file_private(lock_.get(), info, owner, display);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!wait_for_flock(lock_.get(), deadline, display, "cannot lock")) {
        held_too_long(display, "file", timeout);
    }
}

void DirectoryLock::lock(const std::string& directory, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!wait_for_flock(fd_.get(), deadline, directory, "cannot lock directory")) {
        held_too_long(directory, "directory", timeout);
    }
}

}  // namespace mqpasswd
