// Replacing a file so that every reader, and every crash, sees either the old or the new bytes.
#pragma once

#include "core/fs/file_snapshot.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

// The new content, handed over piece by piece: a million-line file is never copied whole.
using ContentSink = std::function<void(std::string_view)>;
using ContentSource = std::function<void(const ContentSink&)>;

// Writes what `content` produces to a new temp file in `dir_fd` (O_EXCL|O_NOFOLLOW, 0600), gives it `ownership`,
// fsyncs it, renames it over `name` and fsyncs the directory. On any failure or fatal signal the
// temp file is removed and `name` is untouched. The caller holds the writers' lock for `name`
// (PasswordFileLock, or DirectoryLock for a configuration file);
// temp files a killed writer left for `name` are removed first (remove_stale_temp_files).
void atomic_replace(int dir_fd, const std::string& name, const ContentSource& content, const FileOwnership& ownership,
                    const std::string& display_path);
// The same for content already in one piece.
void atomic_replace(int dir_fd, const std::string& name, std::string_view content, const FileOwnership& ownership,
                    const std::string& display_path);

// The prefix of mqpasswd's temp files for `name`; a later run can recognise leftovers by it.
[[nodiscard]] std::string temp_file_prefix(const std::string& name);

// Removes the temp files of `name` that a killed writer left behind (SIGKILL, a crash, power
// loss: nothing could remove them): the prefix, then exactly 16 lowercase hex digits, and a
// regular file, never a symlink. Safe only under the writers' lock for `name`, which every writer holds for
// as long as its temp file exists, so any such file seen under the lock is stale. atomic_replace
// calls it. Returns the names removed.
std::vector<std::string> remove_stale_temp_files(int dir_fd, const std::string& name);

}  // namespace mqpasswd
