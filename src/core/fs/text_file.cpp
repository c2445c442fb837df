// The compare-then-replace closes the window between planning an edit (reading, deciding) and
// writing it: a concurrent editor's change is never silently overwritten.
#include "core/fs/text_file.hpp"

#include "core/error.hpp"
#include "core/fs/atomic_write.hpp"
#include "core/fs/file_lock.hpp"
#include "core/fs/safe_path.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace mqpasswd {

namespace {

void refuse_changed(const FileSnapshot& snapshot, const std::optional<std::string>& expected, const std::string& path) {
    const bool unchanged = expected ? snapshot.exists && snapshot.content == *expected : !snapshot.exists;
    if (!unchanged) {
        throw Error(ExitCode::failure, "changed while mqpasswd was editing it; nothing was written, run it again",
                    path);
    }
}

}  // namespace

void replace_text_file(const std::string& path, const std::optional<std::string>& expected, const std::string& content,
                       mode_t new_mode) {
    CheckedParent parent = open_checked_parent(path);
    const std::string name = parent.name;
    const DirectoryLock lock(std::move(parent.dir), path);
    const FileSnapshot snapshot = read_file_at(lock.fd(), name, path);
    refuse_changed(snapshot, expected, path);
    const FileOwnership ownership =
        snapshot.exists ? snapshot.ownership : FileOwnership{::geteuid(), ::getegid(), new_mode};
    atomic_replace(lock.fd(), name, content, ownership, path);
}

void remove_text_file(const std::string& path, const std::string& expected) {
    CheckedParent parent = open_checked_parent(path);
    const std::string name = parent.name;
    const DirectoryLock lock(std::move(parent.dir), path);
    refuse_changed(read_file_at(lock.fd(), name, path), expected, path);
    if (::unlinkat(lock.fd(), name.c_str(), 0) != 0) {
        throw system_error(path, "cannot remove", errno);
    }
}

}  // namespace mqpasswd
