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

}  // namespace

std::string lock_file_name(const std::string& name) {
    return "." + name + ".mqpasswd.lock";
}

PasswordFileLock::PasswordFileLock(UniqueFd directory, const std::string& name, const std::string& display, uid_t owner,
                                   bool dry_run, std::chrono::milliseconds timeout)
    : dir_(std::move(directory)) {
    const std::string lock_name = lock_file_name(name);
    const int create = dry_run ? 0 : O_CREAT;
    const auto open_lock = [&] {
        return UniqueFd(::openat(dir_.get(), lock_name.c_str(),
                                 O_RDWR | create | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600));
    };
    lock_ = open_lock();
    struct stat directory_info {};
    if (!lock_.valid() && errno == EACCES && !dry_run && ::fstat(dir_.get(), &directory_info) == 0 &&
        directory_info.st_uid == ::geteuid()) {
        // Made for the file's earlier owner, in a directory that is ours: ours to make anew.
        (void)::unlinkat(dir_.get(), lock_name.c_str(), 0);
        lock_ = open_lock();
    }
    if (!lock_.valid()) {
        if (dry_run && errno == ENOENT) {
            return;
        }
        throw system_error(display, "cannot open its lock file " + lock_name, errno);
    }
    struct stat info {};
    if (::fstat(lock_.get(), &info) != 0) {
        throw system_error(display, "cannot stat its lock file " + lock_name, errno);
    }
    if (!S_ISREG(info.st_mode) || info.st_nlink != 1) {
        throw Error(ExitCode::failure, "its lock file " + lock_name + " is not a plain file; remove it", display);
    }
    // Root keeps it the file's owner's and closed to everyone else (the file may have changed
    // hands since); the inode stays, so a writer holding it keeps excluding us.
    if (!dry_run && ::geteuid() == 0 && (info.st_uid != owner || (info.st_mode & 07777) != 0600)) {
        if (::fchown(lock_.get(), owner, static_cast<gid_t>(-1)) != 0 || ::fchmod(lock_.get(), 0600) != 0) {
            throw system_error(display, "cannot give its lock file to the file's owner", errno);
        }
    } else if ((info.st_mode & 077) != 0 && info.st_uid == ::geteuid() && !dry_run) {
        (void)::fchmod(lock_.get(), 0600);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!wait_for_flock(lock_.get(), deadline, display)) {
        held_too_long(display, timeout);
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
