// The checks mosquitto_passwd makes before it edits anything (username, path, file, hash type),
// each returning the real tool's exact stderr text when it fails.
#pragma once

#include "broker/broker_version.hpp"
#include "cli/compat_args.hpp"
#include "core/crypto/hash.hpp"

#include <optional>
#include <string>

namespace mqpasswd::cli {

// The real tool's username checks, then ours for names the broker would misread (empty, blanks
// at either end, a leading '#'): the stderr text, or nothing when the name is fine.
[[nodiscard]] std::optional<std::string> compat_username_problem(const std::string& username);

struct CompatFile {
    std::string path;     // realpath of an existing file, else as typed (as the real tool shows it)
    bool usable = false;  // open_existing found a regular file it may edit
    std::string error;    // resolve_compat_path: the failure text
};

// realpath(); a missing file keeps the typed path, other failures are "Error reading password file".
[[nodiscard]] CompatFile resolve_compat_path(const std::string& typed);

// Opens the existing file as the real tool's "r+" open would, for its errors (2.1.2's warnings
// about mode and owner are left out, as Debian's 2.0.11 prints none). Returns the stderr text,
// empty when the file is usable; sets `usable`. Also checks that the directory takes our temp file.
[[nodiscard]] std::string open_existing(CompatFile& file);

// -c: the real tool's "Unable to open file ... for writing" failure for this path, if any.
[[nodiscard]] std::optional<std::string> create_problem(const std::string& path);

struct CompatHashTarget {
    HashSpec spec;
    std::string error;         // non-empty: print it and exit 1
    bool cannot_hash = false;  // -H argon2id for a 2.1 without libargon2: fail as its tool does
};

// The target broker: $MQPASSWD_BROKER_VERSION (2.0, 2.1, auto) and $MQPASSWD_BROKER_ARGON2 (yes,
// no, auto), each auto by default (the compat command line has no room for them).
[[nodiscard]] ResolvedProfile compat_profile();

// -H/-I over the target profile.
[[nodiscard]] CompatHashTarget compat_target(const CompatRequest& request);

}  // namespace mqpasswd::cli
