// One change to a password file, start to finish: lock, read, edit in memory, check, replace.
#pragma once

#include "core/fs/file_lock.hpp"
#include "core/fs/file_owner.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/pwfile/diff.hpp"
#include "core/pwfile/edit.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mqpasswd {

struct UpdateOptions {
    bool create = false;            // a missing file is created (0600, owner per DESIGN §6)
    bool dry_run = false;           // compute and report; write nothing
    bool force = false;             // edit even when the file has malformed lines (they are kept as they are)
    bool allow_duplicates = false;  // write a result with duplicate users (mosquitto_passwd never refuses them)
    OwnerRequest new_owner;
};

struct UpdateResult {
    EditReport report;
    bool written = false;  // the file was replaced (false when unchanged or dry run)
    bool created = false;  // ... and did not exist before (on a dry run: would be created)
    // The change line by line with every hash masked, for --dry-run's diff. Filled on dry runs.
    std::vector<DiffStep> masked_changes;
};

using Edit = std::function<EditReport(PwFile&)>;

// A file about to be changed, after the first steps of DESIGN §6: its path checked (safe_path.hpp),
// the writers' lock held, its content read. For every file mqpasswd replaces whole.
struct LockedFile {
    PasswordFileLock lock;
    std::string name;  // in lock.dir()
    FileSnapshot snapshot;
    std::optional<FileOwnership> new_ownership;  // with `create`: what a file made now gets

    // What the replacement gets: the existing file's owner, group and mode, or new_ownership's.
    [[nodiscard]] FileOwnership ownership() const { return snapshot.exists ? snapshot.ownership : *new_ownership; }
};

// Checks `path`, takes its lock and reads it. Refuses (Error) a missing file without `create`.
[[nodiscard]] LockedFile lock_for_update(const std::string& path, const UpdateOptions& options);

// Applies `edit` to the file at `path` under the directory lock and replaces the file atomically
// when the content changed. Refuses (Error, file untouched): a missing file without `create`,
// malformed lines without `force`, and a result with duplicate users.
[[nodiscard]] UpdateResult update_password_file(const std::string& path, const UpdateOptions& options,
                                                const Edit& edit);

// Aligns an edited file with the original through each line's source_line (edits keep the
// order of the lines they keep), masking every hash.
[[nodiscard]] std::vector<DiffStep> masked_changes(const std::vector<PwLine>& old_lines,
                                                   const std::vector<PwLine>& new_lines);

}  // namespace mqpasswd
