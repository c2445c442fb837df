// Replacing a file so that every reader, and every crash, sees either the old or the new bytes.
#pragma once

#include "core/file_snapshot.hpp"

#include <string>
#include <string_view>

namespace mqpasswd {

// Writes `content` to a new temp file in `dir_fd` (O_EXCL|O_NOFOLLOW, 0600), gives it `ownership`,
// fsyncs it, renames it over `name` and fsyncs the directory. On any failure or fatal signal the
// temp file is removed and `name` is untouched.
void atomic_replace(int dir_fd, const std::string& name, std::string_view content, const FileOwnership& ownership,
                    const std::string& display_path);

// The prefix of mqpasswd's temp files for `name`; a later run can recognise leftovers by it.
[[nodiscard]] std::string temp_file_prefix(const std::string& name);

}  // namespace mqpasswd
