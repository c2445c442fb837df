// Reading a password file safely: never through a symlink, never anything but a regular file.
#pragma once

#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"

#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>

namespace mqpasswd {

struct FileOwnership {
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0600;
};

struct FileSnapshot {
    bool exists = false;
    std::string content;
    FileOwnership ownership;
};

// The file `name` inside the open directory `dir_fd`; `display_path` is used in errors.
// A missing file gives exists == false; anything else unusable throws Error.
[[nodiscard]] FileSnapshot read_file_at(int dir_fd, const std::string& name, const std::string& display_path);

// The same for a path (for read-only commands that take no lock).
[[nodiscard]] FileSnapshot read_file(const std::string& path);

// Reads `fd` to its end: at most `limit` bytes (nothing when there are more), `expected` (its
// size from fstat) sizing the buffer. Throws Error naming `display` when a read fails.
[[nodiscard]] std::optional<std::string> read_at_most(int fd, std::size_t expected, std::size_t limit,
                                                      const std::string& display);

// Opens a file for reading with the same refusals as read_file; an invalid fd when it is missing.
// For readers that stream a file too large to hold.
[[nodiscard]] UniqueFd open_for_reading(const std::string& path);

// Refuses what mqpasswd will not edit or create: a path the path policy refuses (safe_path.hpp),
// a symlink, a non-regular file, a missing file without `create`, a directory we cannot write.
// Called before any password is read, and again on the directory that is then locked.
void check_writable_target(const std::string& path, bool create, const PathTrust& trust = {});
void check_writable_target(const CheckedParent& parent, bool create);

// Refuses a directory that every user may write to and that has no sticky bit: anyone could
// rename or replace the password file, or plant a link, between any two steps of a change. (A
// sticky directory like /tmp is safe: others cannot rename or remove our files there, links are
// never followed and temp files are created O_EXCL.)
void check_directory_safety(const struct stat& directory_info, const std::string& directory,
                            const std::string& display_path);

// The canonical absolute path (realpath), or `path` itself when it cannot be resolved; for
// comparing two names of one file.
[[nodiscard]] std::string resolved_path(const std::string& path);

// "dir" and "name" of a path ("." for a bare name).
[[nodiscard]] std::pair<std::string, std::string> split_path(const std::string& path);

}  // namespace mqpasswd
