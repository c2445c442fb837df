// The path policy (DESIGN §6), in one place: every path mqpasswd opens, creates, chowns or chmods is
// resolved here, from / one component at a time, and every later step works relative to the
// directory this returns, so nothing can be swapped in between. The models are OpenSSH's
// safe_path() and the kernel's fs.protected_symlinks.
#pragma once

#include "core/fs/unique_fd.hpp"

#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>

namespace mqpasswd {

// The directory a path names its last component in, opened and checked.
struct CheckedParent {
    UniqueFd dir;                // O_DIRECTORY, reached without following any untrusted link
    std::string name;            // the last component, for openat/renameat/fchownat on `dir`
    std::string display;         // the path as typed, for messages
    std::optional<uid_t> owner;  // the owner of `name` when it exists (not followed if a link)
    std::string resolved;        // the absolute path with every (trusted) link resolved but the last
};

// The users whose links may be followed and whose directories may hold the file, besides root and
// the invoking user (under sudo: SUDO_UID). `file_owner` is who will own a file that does not
// exist yet (an existing file's own owner is trusted for its directory).
struct PathTrust {
    std::optional<uid_t> file_owner;
};

// Resolves `path` (relative paths from the working directory) and checks every directory on the
// way: a symbolic link is followed only when root or the invoking user owns it; a directory that
// a user other than root, the invoking user and the file's owner could write to (or that such a
// user owns) is refused, except sticky directories anyone can write to (/tmp), whose links then
// follow the rule above. Throws Error (errno EACCES for a refusal) naming the path and the culprit.
[[nodiscard]] CheckedParent open_checked_parent(const std::string& path, const PathTrust& trust = {});

// The target of the symbolic link `name` in the directory `dir`, or nothing when it cannot be read
// (not a link, gone, longer than 64 KiB). Reads into a buffer that grows: lstat's size is not to be
// trusted (/proc's links say 0, and a link can change between the two calls).
[[nodiscard]] std::optional<std::string> read_link_at(int dir, const std::string& name);

// Whether a symbolic link owned by `uid` may be followed: root's, the invoking user's, ours.
[[nodiscard]] bool trusted_link_owner(uid_t uid);

// The uid the link and directory rules trust besides root: the real uid, or SUDO_UID when the
// real uid is root and sudo started us.
[[nodiscard]] uid_t invoking_uid();

}  // namespace mqpasswd
