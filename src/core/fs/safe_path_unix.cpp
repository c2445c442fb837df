// The walk: openat(O_NOFOLLOW|O_DIRECTORY) one component at a time from "/", links read with
// readlinkat and spliced in only when their owner is trusted, each directory's fstat checked. A
// component swapped for a link between the look and the open makes the open fail (O_NOFOLLOW),
// never lands elsewhere; and once a directory fd is held, renaming or replacing its path changes
// nothing for us.
#include "core/fs/safe_path.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace mqpasswd {
namespace {

constexpr int max_links = 40;  // the kernel's MAXSYMLINKS

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

std::string account_name(uid_t uid) {
    const passwd* entry = ::getpwuid(uid);
    return entry != nullptr ? entry->pw_name : "uid " + std::to_string(uid);
}

struct Trusted {
    std::vector<uid_t> uids;
    [[nodiscard]] bool has(uid_t uid) const { return std::find(uids.begin(), uids.end(), uid) != uids.end(); }
};

// Whether a user not in `trusted` is in group `gid` (listed as a member, or by primary group).
bool group_has_strangers(gid_t gid, const Trusted& trusted) {
    if (gid == 0) {
        return false;  // the root group is root's
    }
    if (const group* entry = ::getgrgid(gid)) {
        for (char** member = entry->gr_mem; *member != nullptr; ++member) {
            const passwd* user = ::getpwnam(*member);
            if (user == nullptr || !trusted.has(user->pw_uid)) {
                return true;
            }
        }
    }
    bool stranger = false;
    ::setpwent();
    while (const passwd* user = ::getpwent()) {
        if (user->pw_gid == gid && !trusted.has(user->pw_uid)) {
            stranger = true;
            break;
        }
    }
    ::endpwent();
    return stranger;
}

// Why a user outside `trusted` could change what this directory holds, or "".
std::string directory_problem(const struct stat& info, const Trusted& trusted) {
    const bool shared_sticky = (info.st_mode & S_IWOTH) != 0 && (info.st_mode & S_ISVTX) != 0;
    if (shared_sticky) {
        return {};  // /tmp: others cannot rename or remove our entries; links obey the link rule
    }
    if (!trusted.has(info.st_uid)) {
        return "is owned by " + account_name(info.st_uid);
    }
    if ((info.st_mode & S_IWOTH) != 0) {
        return "is writable by every user and has no sticky bit";
    }
    if ((info.st_mode & S_IWGRP) != 0 && group_has_strangers(info.st_gid, trusted)) {
        const group* entry = ::getgrgid(info.st_gid);
        return "is writable by the group " +
               (entry != nullptr ? std::string(entry->gr_name) : std::to_string(info.st_gid));
    }
    return {};
}

struct Step {
    UniqueFd fd;
    struct stat info {};
    std::string path;  // as resolved, for messages
};

[[noreturn]] void refuse(const std::string& display, const std::string& why) {
    throw Error(ExitCode::failure, why + "; refusing", display, 0, EACCES);
}

UniqueFd open_directory(int at, const std::string& name, const std::string& display) {
    UniqueFd fd(::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) {
        throw system_error(display, "cannot open the directory " + quoted_name(name), errno);
    }
    return fd;
}

// Reads the link `name` in `at` when its owner is trusted; refuses it otherwise.
std::string trusted_link_target(int at, const std::string& name, const struct stat& link, const Trusted& trusted,
                                const std::string& where, const std::string& display) {
    if (!trusted.has(link.st_uid)) {
        refuse(display, "follows the symbolic link " + where + " that " + account_name(link.st_uid) + " owns");
    }
    std::optional<std::string> target = read_link_at(at, name);
    if (!target || target->empty()) {
        refuse(display, "the symbolic link " + where + " changed while it was read, or is too long");
    }
    return std::move(*target);
}

// Who may own a link that is followed: root, us, the invoking user; never the file's owner (the
// broker's user, the likeliest attacker, owns the file).
Trusted link_owners() {
    return Trusted{{0, ::getuid(), ::geteuid(), invoking_uid()}};
}

std::string joined(const std::string& directory, const std::string& name) {
    return directory == "/" ? "/" + name : directory + "/" + name;
}

// `path` made absolute (a relative one is taken from the working directory); refuses an empty one.
std::string absolute_path(const std::string& path) {
    if (path.empty()) {
        throw Error(ExitCode::failure, "an empty path", path);
    }
    if (path.starts_with('/')) {
        return path;
    }
    std::vector<char> cwd(4096);
    if (::getcwd(cwd.data(), cwd.size()) == nullptr) {
        throw system_error(path, "cannot tell the working directory", errno);
    }
    return std::string(cwd.data()) + "/" + path;
}

// Takes the last component off `pending`: the file's name. Refuses a path that names a directory
// ("/", "x/", "x/..").
std::string take_file_name(std::deque<std::string>& pending, const std::string& path) {
    if (pending.empty() || pending.back() == "." || pending.back() == ".." || path.ends_with('/')) {
        throw Error(ExitCode::failure, "not a file name", path);
    }
    std::string name = std::move(pending.back());
    pending.pop_back();
    return name;
}

// "/", where every walk starts and every absolute link starts it again.
Step root_step(const std::string& path) {
    Step root;
    root.fd = UniqueFd(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.fd.valid() || ::fstat(root.fd.get(), &root.info) != 0) {
        throw system_error(path, "cannot open /", errno);
    }
    root.path = "/";
    return root;
}

// The directory `component` of `here` (not a link: the caller looked), opened and stat'ed.
Step directory_step(const Step& here, const std::string& component, const std::string& where, const std::string& path) {
    Step next;
    next.fd = open_directory(here.fd.get(), component, path);
    if (::fstat(next.fd.get(), &next.info) != 0) {
        throw system_error(path, "cannot stat " + where, errno);
    }
    next.path = where;
    return next;
}

// Follows the link `component` of `here` when its owner is trusted: its target's components go
// first in `pending`, and an absolute target starts the walk again at "/".
void follow_link(std::vector<Step>& steps, std::deque<std::string>& pending, const std::string& component,
                 const struct stat& link, const Trusted& link_trust, const std::string& where,
                 const std::string& path) {
    const std::string target = trusted_link_target(steps.back().fd.get(), component, link, link_trust, where, path);
    std::deque<std::string> spliced = components_of(target);
    pending.insert(pending.begin(), spliced.begin(), spliced.end());
    if (target.starts_with('/')) {
        steps.clear();
        steps.push_back(root_step(path));
    }
}

// Walks the directories `pending` names from "/", one component at a time, following only trusted
// links; returns every directory on the way, the parent last.
std::vector<Step> walk_to_parent(std::deque<std::string> pending, const Trusted& link_trust, const std::string& path) {
    std::vector<Step> steps;
    steps.push_back(root_step(path));
    for (int links = 0; !pending.empty();) {
        const std::string component = std::move(pending.front());
        pending.pop_front();
        if (component == ".") {
            continue;
        }
        if (component == "..") {
            if (steps.size() > 1) {
                steps.pop_back();  // the directory we came from: no link, so its parent is the real one
            }
            continue;
        }
        const std::string where = joined(steps.back().path, component);
        struct stat info {};
        if (::fstatat(steps.back().fd.get(), component.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
            throw system_error(path, "cannot reach " + where, errno);
        }
        if (!S_ISLNK(info.st_mode)) {
            steps.push_back(directory_step(steps.back(), component, where, path));
        } else if (++links > max_links) {
            throw system_error(path, "cannot reach " + where, ELOOP);
        } else {
            follow_link(steps, pending, component, info, link_trust, where, path);
        }
    }
    return steps;
}

// Refuses the walk when a user outside `trusted` could change what a directory on it holds.
void check_directories(const std::vector<Step>& steps, const Trusted& trusted, const std::string& path) {
    for (const Step& step : steps) {
        if (const std::string problem = directory_problem(step.info, trusted); !problem.empty()) {
            refuse(path, "the directory " + step.path + " " + problem + ", who could swap what it holds");
        }
    }
}

}  // namespace

std::optional<std::string> read_link_at(int dir, const std::string& name) {
    for (std::size_t size = 256; size <= 65536; size *= 4) {
        std::string target(size, '\0');
        const ssize_t length = ::readlinkat(dir, name.c_str(), target.data(), target.size());
        if (length < 0) {
            return std::nullopt;
        }
        if (static_cast<std::size_t>(length) < size) {
            target.resize(static_cast<std::size_t>(length));
            return target;
        }
    }
    return std::nullopt;
}

bool trusted_link_owner(uid_t uid) {
    return link_owners().has(uid);
}

uid_t invoking_uid() {
    if (::getuid() == 0) {
        if (const char* sudo_uid = std::getenv("SUDO_UID")) {
            char* end = nullptr;
            const unsigned long value = std::strtoul(sudo_uid, &end, 10);
            if (end != sudo_uid && *end == '\0' && value < static_cast<unsigned long>(static_cast<uid_t>(-1))) {
                return static_cast<uid_t>(value);
            }
        }
    }
    return ::getuid();
}

CheckedParent open_checked_parent(const std::string& path, const PathTrust& trust) {
    std::deque<std::string> pending = components_of(absolute_path(path));
    const std::string name = take_file_name(pending, path);
    const Trusted link_trust = link_owners();
    Trusted trusted = link_trust;  // for directories: the file's owner too
    if (trust.file_owner) {
        trusted.uids.push_back(*trust.file_owner);
    }
    std::vector<Step> steps = walk_to_parent(std::move(pending), link_trust, path);

    CheckedParent parent;
    parent.name = name;
    parent.display = path;
    parent.resolved = joined(steps.back().path, name);
    struct stat file {};
    if (::fstatat(steps.back().fd.get(), name.c_str(), &file, AT_SYMLINK_NOFOLLOW) == 0) {
        parent.owner = file.st_uid;
        if (!S_ISLNK(file.st_mode)) {
            trusted.uids.push_back(file.st_uid);  // the file's owner may own its directories
        }
    }
    check_directories(steps, trusted, path);
    parent.dir = std::move(steps.back().fd);
    return parent;
}

}  // namespace mqpasswd
