// The write path of DESIGN §6. Every check runs before the first byte is written, so a refusal
// always leaves the file exactly as it was.
#include "core/pwfile/update.hpp"

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/fs/atomic_write.hpp"
#include "core/fs/file_lock.hpp"
#include "core/fs/safe_path.hpp"

#include <unistd.h>

namespace mqpasswd {
namespace {

void refuse_malformed(const PwFile& file, const std::string& path) {
    const auto problems = file.malformed_lines();
    if (!problems.empty()) {
        throw Error(ExitCode::failure,
                    problems.front().message + " (fix the line, or use --force to keep it as it is and go on)", path,
                    problems.front().line);
    }
}

void refuse_duplicates(const PwFile& file, const std::string& path) {
    const auto duplicates = file.duplicate_users();
    if (!duplicates.empty()) {
        throw Error(ExitCode::failure,
                    duplicates.front().message + " (a 2.1 broker refuses the whole file; delete one of them)", path,
                    duplicates.front().line);
    }
}

// The owner and mode a file to create gets, decided before anything is opened; none without
// `create`.
std::optional<FileOwnership> ownership_if_created(const UpdateOptions& options) {
    if (!options.create) {
        return std::nullopt;
    }
    return new_file_ownership(options.new_owner);
}

// `path` resolved and checked once (safe_path.hpp); every later step is relative to its directory.
CheckedParent checked_target(const std::string& path, bool create, const std::optional<FileOwnership>& new_ownership) {
    PathTrust trust;
    if (new_ownership) {
        trust.file_owner = new_ownership->uid;
    }
    CheckedParent parent = open_checked_parent(path, trust);
    check_writable_target(parent, create);
    return parent;
}

// The lock file goes to whoever owns the file (or will): only that user and root can hold it.
uid_t lock_owner(const CheckedParent& parent, const std::optional<FileOwnership>& new_ownership) {
    return parent.owner ? *parent.owner : new_ownership ? new_ownership->uid : ::geteuid();
}

// Runs `edit` on `file`; its errors then name the file.
EditReport run_edit(const Edit& edit, PwFile& file, const std::string& path) {
    try {
        return edit(file);
    } catch (Error& error) {
        throw Error(error.code(), error.message(), path, error.line());
    }
}

}  // namespace

std::vector<DiffStep> masked_changes(const std::vector<PwLine>& old_lines, const std::vector<PwLine>& new_lines) {
    std::vector<DiffStep> steps;
    std::size_t next_old = 0;  // index of the first original line not yet placed
    const auto remove_until = [&](std::size_t source_line) {
        for (; next_old < old_lines.size() && old_lines[next_old].source_line < source_line; ++next_old) {
            steps.push_back({DiffOp::remove, masked_text(old_lines[next_old])});
        }
    };
    for (const auto& line : new_lines) {
        if (line.source_line == 0) {
            steps.push_back({DiffOp::add, masked_text(line)});
            continue;
        }
        remove_until(line.source_line);
        const PwLine& old_line = old_lines[next_old++];
        if (old_line.text == line.text) {
            steps.push_back({DiffOp::keep, masked_text(line)});
        } else {
            steps.push_back({DiffOp::remove, masked_text(old_line)});
            steps.push_back({DiffOp::add, masked_text(line)});
        }
    }
    remove_until(static_cast<std::size_t>(-1));
    return steps;
}

LockedFile lock_for_update(const std::string& path, const UpdateOptions& options) {
    std::optional<FileOwnership> new_ownership = ownership_if_created(options);
    CheckedParent parent = checked_target(path, options.create, new_ownership);
    std::string name = parent.name;
    const uid_t owner = lock_owner(parent, new_ownership);
    PasswordFileLock lock(std::move(parent.dir), name, path, owner, options.dry_run);
    FileSnapshot snapshot = read_file_at(lock.dir(), name, path);
    if (!snapshot.exists && !options.create) {
        throw Error(ExitCode::failure, "no such file (use --create to create it)", path);
    }
    return LockedFile{std::move(lock), std::move(name), std::move(snapshot), new_ownership};
}

UpdateResult update_password_file(const std::string& path, const UpdateOptions& options, const Edit& edit) {
    LockedFile locked = lock_for_update(path, options);
    const PasswordFileLock& lock = locked.lock;
    const std::string& name = locked.name;
    FileSnapshot& snapshot = locked.snapshot;
    PwFile file = PwFile::parse(std::move(snapshot.content), path);  // which wipes it when it goes
    if (!options.force) {
        refuse_malformed(file, path);
    }
    UpdateResult result;
    // The lines' views stay valid after the edit (the model keeps every byte it had).
    const std::vector<PwLine> original = options.dry_run ? file.lines() : std::vector<PwLine>();
    result.report = run_edit(edit, file, path);
    if (!options.allow_duplicates) {
        refuse_duplicates(file, path);
    }
    if (options.dry_run) {
        result.masked_changes = masked_changes(original, file.lines());
        result.created = !snapshot.exists && result.report.changed();  // would be
        return result;
    }
    // Nothing to write: same bytes, or a file to create that the edit left without a user.
    if (snapshot.exists ? file.unchanged() : !result.report.changed()) {
        return result;
    }
    atomic_replace(
        lock.dir(), name, [&](const ContentSink& write) { file.write_to(write); }, locked.ownership(), path);
    result.written = true;
    result.created = !snapshot.exists;
    return result;
}

}  // namespace mqpasswd
