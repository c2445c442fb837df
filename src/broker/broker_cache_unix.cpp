// The broker-version cache's file: where it lives, the checks before any byte of it is believed
// (broker_cache.hpp lists them), its one-record format, and the temp-and-rename write.
#include "broker/broker_cache.hpp"

#include "broker/broker_version.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/sys/signal_guard.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr const char* directory_name = "mqpasswd";
constexpr const char* file_name = "broker-version";
constexpr std::size_t max_cache_size = 4096;  // a record is a path and a few numbers
constexpr int max_depth = 256;                // directories above the cache, a bound for the ".." walk

bool trusted_owner(uid_t uid) {
    return uid == 0 || uid == ::geteuid();
}

bool writable_by_others(const struct stat& info) {
    return (info.st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

// /tmp: others may write into it, but cannot rename or remove what is not theirs.
bool shared_sticky(const struct stat& info) {
    return (info.st_mode & S_IWOTH) != 0 && (info.st_mode & S_ISVTX) != 0;
}

// Every real parent of `dir` up to "/" (which is its own parent) is root's or ours and writable by
// no one else, a sticky shared directory excepted. The path was checked by safe_path already, but
// its rule also trusts SUDO_UID and groups without strangers; the cache's is stricter.
bool ancestors_trusted(int dir) {
    struct stat here {};
    if (::fstat(dir, &here) != 0) {
        return false;
    }
    UniqueFd current;
    int at = dir;
    for (int depth = 0; depth < max_depth; ++depth) {
        UniqueFd up(::openat(at, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        struct stat info {};
        if (!up.valid() || ::fstat(up.get(), &info) != 0) {
            return false;
        }
        if (info.st_dev == here.st_dev && info.st_ino == here.st_ino) {
            return true;
        }
        if (!trusted_owner(info.st_uid) || (writable_by_others(info) && !shared_sticky(info))) {
            return false;
        }
        here = info;
        current = std::move(up);
        at = current.get();
    }
    return false;
}

// `dir` and every directory above it are root's or ours, writable by no one else; `dir` itself may
// be a shared sticky one only when `sticky_allowed`.
bool trusted_directory(int dir, bool sticky_allowed) {
    struct stat info {};
    return ::fstat(dir, &info) == 0 && S_ISDIR(info.st_mode) && trusted_owner(info.st_uid) &&
           (!writable_by_others(info) || (sticky_allowed && shared_sticky(info))) && ancestors_trusted(dir);
}

// Makes the directory `path` (0700) if it is missing, and only in a trusted parent: nothing is
// made in a directory the cache would not use (another user's, one under sudo's invoking user's).
void make_directory(const std::string& path) {
    const CheckedParent parent = open_checked_parent(path);
    if (!trusted_directory(parent.dir.get(), true)) {
        return;
    }
    if (::mkdirat(parent.dir.get(), parent.name.c_str(), 0700) != 0 && errno != EEXIST) {
        throw std::system_error(errno, std::generic_category());
    }
}

// CACHE_HOME/mqpasswd, opened and checked; nothing when it is missing or anything is wrong with
// it. `create`: make it (and CACHE_HOME) first when missing. Throws what safe_path throws.
std::optional<UniqueFd> open_cache_directory(const std::string& cache_home, bool create) {
    const std::string path = cache_home + "/" + directory_name;
    if (create) {
        if (::access(cache_home.c_str(), F_OK) != 0 && errno == ENOENT) {
            make_directory(cache_home);
        }
        make_directory(path);
    }
    const CheckedParent parent = open_checked_parent(path);
    UniqueFd dir(::openat(parent.dir.get(), parent.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid() || !trusted_directory(dir.get(), false)) {
        return std::nullopt;
    }
    return dir;
}

std::string timestamp(const timespec& time) {
    std::string nanoseconds = std::to_string(time.tv_nsec);
    return std::to_string(time.tv_sec) + "." + std::string(9 - std::min<std::size_t>(9, nanoseconds.size()), '0') +
           nanoseconds;
}

// Everything but the version: what the file must start with, byte for byte, to be this program's.
std::string record_key(const std::string& program, const struct stat& identity) {
    return "mqpasswd broker-version 1\nprogram " + program + "\ndevice " + std::to_string(identity.st_dev) +
           "\ninode " + std::to_string(identity.st_ino) + "\nsize " + std::to_string(identity.st_size) + "\nmodified " +
           timestamp(identity.st_mtim) + "\nchanged " + timestamp(identity.st_ctim) + "\n";
}

bool valid_version(const std::string& version) {
    return parse_version_banner("mosquitto version " + version + "\n") == version;
}

// The file's bytes when it is a small regular file of ours that no one else can write; else nothing.
std::optional<std::string> read_cache_file(int dir) {
    UniqueFd fd(::openat(dir, file_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat info {};
    if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid() ||
        writable_by_others(info) || info.st_size < 0 || static_cast<std::size_t>(info.st_size) > max_cache_size) {
        return std::nullopt;
    }
    std::string content(max_cache_size + 1, '\0');
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t got = ::read(fd.get(), content.data() + done, content.size() - done);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return std::nullopt;
        }
        if (got == 0) {
            break;
        }
        done += static_cast<std::size_t>(got);
    }
    if (done > max_cache_size) {
        return std::nullopt;  // it grew since the fstat
    }
    content.resize(done);
    return content;
}

bool write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t written = ::write(fd, content.data(), content.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return false;
        }
        content.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// The temp file, then the rename over broker-version: a reader sees the old record or the new one.
bool replace_cache_file(int dir, const std::string& content) {
    // Our pid names the temp: only we can be writing it (the directory is ours alone), so one with
    // this name is a leftover of a killed process that had our pid.
    const std::string temp = std::string(file_name) + "." + std::to_string(::getpid()) + ".tmp";
    ::unlinkat(dir, temp.c_str(), 0);
    TempFileGuard guard(dir, temp);
    UniqueFd fd(::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) {
        guard.release();
        return false;
    }
    const bool stored =
        write_all(fd.get(), content) && fd.close() == 0 && ::renameat(dir, temp.c_str(), dir, file_name) == 0;
    if (!stored) {
        ::unlinkat(dir, temp.c_str(), 0);
    }
    guard.release();
    return stored;
}

}  // namespace

std::optional<std::string> broker_cache_home() {
    // Only absolute values: a relative one would be the working directory's, which may be anyone's.
    const auto absolute = [](const char* value) { return value != nullptr && value[0] == '/'; };
    if (const char* configured = std::getenv("MQPASSWD_CACHE_HOME"); configured != nullptr && *configured != '\0') {
        return absolute(configured) ? std::optional<std::string>(configured) : std::nullopt;
    }
    if (::geteuid() == 0) {
        return "/var/cache";  // root's cache is the system's, whatever HOME sudo left
    }
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); absolute(xdg)) {
        return xdg;
    }
    if (const char* home = std::getenv("HOME"); absolute(home)) {
        return std::string(home) + "/.cache";
    }
    return std::nullopt;
}

bool same_program_file(const struct stat& a, const struct stat& b) noexcept {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
           a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

std::optional<std::string> cached_broker_version(const std::string& cache_home, const std::string& program,
                                                 const struct stat& identity) noexcept {
    try {
        const auto dir = open_cache_directory(cache_home, false);
        const auto content = dir ? read_cache_file(dir->get()) : std::nullopt;
        const std::string key = record_key(program, identity);
        if (!content || !content->starts_with(key)) {
            return std::nullopt;
        }
        constexpr std::string_view label = "version ";
        std::string_view rest = std::string_view(*content).substr(key.size());
        if (!rest.starts_with(label) || !rest.ends_with('\n')) {
            return std::nullopt;
        }
        std::string version(rest.substr(label.size(), rest.size() - label.size() - 1));
        return valid_version(version) ? std::optional<std::string>(std::move(version)) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;  // safe_path's refusals, allocation: a miss, never the command's failure
    }
}

bool store_broker_version(const std::string& cache_home, const std::string& program, const struct stat& identity,
                          const std::string& version) noexcept {
    try {
        const std::string content = record_key(program, identity) + "version " + version + "\n";
        if (program.find('\n') != std::string::npos || !valid_version(version) || content.size() > max_cache_size) {
            return false;
        }
        const auto dir = open_cache_directory(cache_home, true);
        return dir && replace_cache_file(dir->get(), content);
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace mqpasswd
