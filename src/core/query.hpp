// Read-only questions about a password file: does this password match, who is in it.
#pragma once

#include "core/hash.hpp"
#include "core/pwfile.hpp"

#include <string>
#include <vector>

namespace mqpasswd {

class Secret;

// Reads and parses the file (no lock: writers replace it by rename, so a reader always sees one
// whole version). Throws Error when it is missing or unreadable.
[[nodiscard]] PwFile load_password_file(const std::string& path);

// The user's line. Throws Error(no_such_user) when absent, and Error(failure) with FILE:LINE when
// the line is malformed or the user appears more than once (which line counts is a guess).
[[nodiscard]] const PwLine& require_user(const PwFile& file, const std::string& path, const std::string& user);

struct VerifyResult {
    Verification verification = Verification::unverifiable;
    HashInfo info;
    std::size_t line = 0;
};

// Checks the password against a line that require_user returned.
[[nodiscard]] VerifyResult verify_line(const PwLine& line, const Secret& password);

struct UserInfo {
    std::string user;
    HashInfo info;
    std::size_t line = 0;
};

struct Listing {
    std::vector<UserInfo> users;        // entries in file order
    std::vector<LineProblem> problems;  // malformed lines and duplicates, for warnings
};

[[nodiscard]] Listing list_users(const PwFile& file);

}  // namespace mqpasswd
