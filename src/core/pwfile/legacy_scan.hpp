// How mosquitto_passwd itself reads a password file, which differs from the broker: it calls any
// line without two non-blank ':'-separated fields "corrupt" (comments and blank lines included)
// and stops there. The compat front needs this to print the same messages and exit codes.
#pragma once

#include "core/pwfile/pwfile.hpp"

#include <string_view>

namespace mqpasswd {

struct LegacyScan {
    std::size_t corrupt_line = 0;  // 1-based line where mosquitto_passwd stops, or 0
    bool user_seen = false;        // the user is named before that line (or anywhere, without one)
};

// The line split as mosquitto_passwd splits it (strtok on ':', both fields trimmed): the user
// field, or "" for a corrupt line.
[[nodiscard]] std::string_view legacy_username(std::string_view text);

[[nodiscard]] LegacyScan legacy_scan(const PwFile& file, std::string_view user);

}  // namespace mqpasswd
