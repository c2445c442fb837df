// Replacing a small text file (a mosquitto.conf or a snippet) with the same lock and atomic write
// as password files, refusing if someone changed it since it was read.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace mqpasswd {

// Under the directory lock: if the file's content is still `expected` (nothing: it must not
// exist), replace it with `content`, keeping its owner, group and mode, or create it with
// `new_mode` owned by the invoking user. Throws Error otherwise.
void replace_text_file(const std::string& path, const std::optional<std::string>& expected, const std::string& content,
                       mode_t new_mode);

// Under the directory lock: if the file's content is still `expected`, removes it (undoing a
// replace_text_file that created it). Throws Error otherwise.
void remove_text_file(const std::string& path, const std::string& expected);

}  // namespace mqpasswd
