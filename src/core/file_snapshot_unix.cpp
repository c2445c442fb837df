// O_NOFOLLOW|O_NONBLOCK open, then fstat: a FIFO or device named as a password file must give an
// error, not block or stream forever; a symlink might point anywhere an attacker chose.
#include "core/file_snapshot.hpp"

#include "core/error.hpp"
#include "core/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr off_t max_file_size = off_t{1} << 30;  // 1 GiB: millions of users; anything bigger is not a pwfile

std::string read_all(int fd, std::size_t expected, const std::string& display_path) {
    std::string content;
    // One byte more than the file: the read that sees the end needs room, and growing a buffer
    // the size of the file would copy it (twice the memory, for a moment).
    content.resize(expected + 1);
    std::size_t used = 0;
    for (;;) {
        if (used == content.size()) {
            if (content.size() >= static_cast<std::size_t>(max_file_size)) {
                throw Error(ExitCode::failure, "file is larger than 1 GiB", display_path);
            }
            content.resize(content.size() + 65536);  // the file grew while we read it
        }
        const ssize_t got = ::read(fd, content.data() + used, content.size() - used);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            throw system_error(display_path, "cannot read", errno);
        }
        if (got == 0) {
            break;
        }
        used += static_cast<std::size_t>(got);
    }
    content.resize(used);
    return content;
}

void check_regular(const struct stat& info, const std::string& display_path) {
    if (!S_ISREG(info.st_mode)) {
        throw Error(ExitCode::failure, "not a regular file", display_path);
    }
    if (info.st_size > max_file_size) {
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
    snapshot.content = read_all(fd.get(), static_cast<std::size_t>(info.st_size), display_path);
    return snapshot;
}

UniqueFd open_directory_of(const std::string& path) {
    UniqueFd dir_fd(::open(split_path(path).first.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) {
        throw system_error(path, "cannot open the directory", errno);
    }
    return dir_fd;
}

UniqueFd open_for_reading(const std::string& path) {
    check_trusted_links(path);
    struct stat info {};
    return open_regular_at(open_directory_of(path).get(), split_path(path).second, path, info);
}

FileSnapshot read_file(const std::string& path) {
    check_trusted_links(path);
    return read_file_at(open_directory_of(path).get(), split_path(path).second, path);
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

namespace {

std::deque<std::string> components_of(const std::string& path) {
    std::deque<std::string> components;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = std::min(path.find('/', start), path.size());
        if (slash > start) {
            components.push_back(path.substr(start, slash - start));
        }
        start = slash + 1;
    }
    return components;
}

// Whether following the link `link` found in `directory` is what fs.protected_symlinks allows.
bool link_is_trusted(const struct stat& link, const std::string& directory) {
    struct stat parent {};
    if (::stat(directory.c_str(), &parent) != 0) {
        return true;  // cannot tell; the open that follows reports the real problem
    }
    const bool shared = (parent.st_mode & S_ISVTX) != 0 && (parent.st_mode & S_IWOTH) != 0;
    return !shared || link.st_uid == ::geteuid() || link.st_uid == parent.st_uid;
}

}  // namespace

void check_trusted_links(const std::string& path) {
    std::string resolved = path.starts_with('/') ? "" : ".";  // no symlink in it, ever
    std::deque<std::string> pending = components_of(path);
    for (int links = 0; !pending.empty();) {
        const std::string component = std::move(pending.front());
        pending.pop_front();
        if (component == ".") {
            continue;
        }
        if (component == "..") {  // `resolved` has no link in it, so its parent is the real one
            const std::size_t slash = resolved.find_last_of('/');
            if (slash != std::string::npos && resolved.substr(slash + 1) != "..") {
                resolved.resize(slash);  // "/a" becomes "" (the root), "./a" becomes "."
            } else if (!resolved.empty()) {
                resolved += "/..";  // a relative path climbing above its start
            }
            continue;
        }
        const std::string candidate = resolved + "/" + component;
        struct stat info {};
        if (::lstat(candidate.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) {
            resolved = candidate;
            continue;
        }
        const std::string directory = resolved.empty() ? "/" : resolved;
        if (!link_is_trusted(info, directory)) {
            throw Error(ExitCode::failure,
                        "follows a symbolic link that another user owns in " + directory +
                            ", a sticky directory anyone can write to; refusing (as fs.protected_symlinks would)",
                        path, 0, EACCES);
        }
        std::string target(static_cast<std::size_t>(info.st_size) + 1, '\0');
        const ssize_t length = ::readlink(candidate.c_str(), target.data(), target.size());
        if (length < 0 || static_cast<std::size_t>(length) >= target.size() || ++links > 40) {
            return;  // changed under us or a loop: the open that follows reports it
        }
        target.resize(static_cast<std::size_t>(length));
        if (target.starts_with('/')) {
            resolved.clear();
        }
        std::deque<std::string> link_components = components_of(target);
        pending.insert(pending.begin(), link_components.begin(), link_components.end());
    }
}

void check_writable_target(const std::string& path, bool create) {
    check_trusted_links(path);
    const auto [directory, name] = split_path(path);
    if (name.empty() || name == "." || name == "..") {
        throw Error(ExitCode::failure, "not a file name", path);
    }
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
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
    if (::faccessat(AT_FDCWD, directory.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
        throw system_error(path, "cannot write to the directory " + directory, errno);
    }
    struct stat directory_info {};
    if (::stat(directory.c_str(), &directory_info) == 0) {
        check_directory_safety(directory_info, directory, path);  // again, on the locked directory, before writing
    }
    // The rename needs only the directory; but a read-only file still says "do not change me",
    // as it does to mosquitto_passwd, and is respected as such.
    if (S_ISREG(info.st_mode) && ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0) {
        throw system_error(path, "cannot write", errno);
    }
}

}  // namespace mqpasswd
