// O_NOFOLLOW|O_NONBLOCK open, then fstat: a FIFO or device named as a password file must give an
// error, not block or stream forever; a symlink might point anywhere an attacker chose.
#include "core/fs/file_snapshot.hpp"

#include "core/error.hpp"
#include "core/fs/file_size.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_file_size = std::size_t{1}
                                      << 30;  // 1 GiB: millions of users; anything bigger is not a pwfile

void check_regular(const struct stat& info, const std::string& display_path) {
    if (!S_ISREG(info.st_mode)) {
        throw Error(ExitCode::failure, "not a regular file", display_path);
    }
    if (larger_than(info, max_file_size)) {
        throw Error(ExitCode::failure, "file is larger than 1 GiB", display_path);
    }
}

void throw_open_error(int errno_value, const std::string& display_path) {
    if (errno_value == ELOOP) {
        throw Error(ExitCode::failure,
                    "is a symbolic link; mqpasswd does not follow links to password files (name the target)",
                    display_path);
    }
    throw system_error(display_path, "cannot open", errno_value);
}

}  // namespace

std::optional<std::string> read_at_most(int fd, std::size_t expected, std::size_t limit, const std::string& display) {
    // One byte more than expected: the read that sees the end needs room, growing a buffer the
    // size of the file would copy it (twice the memory, for a moment), and a file that grew past
    // the limit since fstat is caught by the same check.
    std::string content(std::min(expected, limit) + 1, '\0');
    std::size_t used = 0;
    for (;;) {
        if (used == content.size()) {
            if (used > limit) {
                return std::nullopt;
            }
            content.resize(std::min(limit + 1, used + 65536));
        }
        const ssize_t got = ::read(fd, content.data() + used, content.size() - used);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            throw system_error(display, "cannot read", errno);
        }
        if (got == 0) {
            break;
        }
        used += static_cast<std::size_t>(got);
    }
    content.resize(used);
    return content;
}

std::string resolved_path(const std::string& path) {
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) {
        return path;
    }
    std::string result = real;
    std::free(real);
    return result;
}

std::pair<std::string, std::string> split_path(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) {
        return {".", path};
    }
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

UniqueFd open_regular_at(int dir_fd, const std::string& name, const std::string& display_path, struct stat& info) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT) {
            return fd;
        }
        throw_open_error(errno, display_path);
    }
    if (::fstat(fd.get(), &info) != 0) {
        throw system_error(display_path, "cannot stat", errno);
    }
    check_regular(info, display_path);
    return fd;
}

FileSnapshot read_file_at(int dir_fd, const std::string& name, const std::string& display_path) {
    FileSnapshot snapshot;
    struct stat info {};
    const UniqueFd fd = open_regular_at(dir_fd, name, display_path, info);
    if (!fd.valid()) {
        return snapshot;
    }
    snapshot.exists = true;
    snapshot.ownership = {info.st_uid, info.st_gid, info.st_mode & 07777};
    auto content = read_at_most(fd.get(), static_cast<std::size_t>(info.st_size), max_file_size, display_path);
    if (!content) {
        throw Error(ExitCode::failure, "file is larger than 1 GiB", display_path);  // it grew while read
    }
    snapshot.content = std::move(*content);
    return snapshot;
}

UniqueFd open_for_reading(const std::string& path) {
    const CheckedParent parent = open_checked_parent(path);
    struct stat info {};
    return open_regular_at(parent.dir.get(), parent.name, path, info);
}

FileSnapshot read_file(const std::string& path) {
    const CheckedParent parent = open_checked_parent(path);
    return read_file_at(parent.dir.get(), parent.name, path);
}

void check_directory_safety(const struct stat& directory_info, const std::string& directory,
                            const std::string& display_path) {
    if (S_ISDIR(directory_info.st_mode) && (directory_info.st_mode & S_IWOTH) != 0 &&
        (directory_info.st_mode & S_ISVTX) == 0) {
        throw Error(ExitCode::failure,
                    "the directory " + directory +
                        " is writable by every user and has no sticky bit, so anyone could replace the file; "
                        "refusing (chmod o-w or +t it, or use another directory)",
                    display_path);
    }
}

void check_writable_target(const CheckedParent& parent, bool create) {
    const std::string& path = parent.display;
    struct stat info {};
    if (::fstatat(parent.dir.get(), parent.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT) {
            throw system_error(path, "cannot stat", errno);
        }
        if (!create) {
            throw Error(ExitCode::failure, "no such file (use --create to create it)", path);
        }
    } else if (S_ISLNK(info.st_mode)) {
        throw_open_error(ELOOP, path);
    } else {
        check_regular(info, path);
    }
    // The file is replaced by a rename in its directory, so the directory must be writable.
    const std::string directory = split_path(parent.resolved).first;
    if (::faccessat(parent.dir.get(), ".", W_OK | X_OK, AT_EACCESS) != 0) {
        throw system_error(path, "cannot write to the directory " + directory, errno);
    }
    struct stat directory_info {};
    if (::fstat(parent.dir.get(), &directory_info) == 0) {
        check_directory_safety(directory_info, directory, path);  // again, on the checked directory fd
    }
    // The rename needs only the directory; but a read-only file still says "do not change me",
    // as it does to mosquitto_passwd, and is respected as such.
    if (S_ISREG(info.st_mode) && ::faccessat(parent.dir.get(), parent.name.c_str(), W_OK, AT_EACCESS) != 0) {
        throw system_error(path, "cannot write", errno);
    }
}

void check_writable_target(const std::string& path, bool create, const PathTrust& trust) {
    check_writable_target(open_checked_parent(path, trust), create);
}

}  // namespace mqpasswd
