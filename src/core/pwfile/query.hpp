// Read-only questions about a password file: does this password match, who is in it.
//
// Both stream the file: they hold one line at a time (plus 4 bytes a user for list's duplicate
// check), whatever the file's size. No lock: writers replace the file by rename, so an open file
// is one whole version, and a second pass over the same descriptor sees the same bytes.
#pragma once

#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "core/pwfile/pwfile.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace mqpasswd {

// The stored hash of one user, as found in the file (a copy: a plain-text entry is a password).
struct UserHash {
    Secret hash;
    std::size_t line = 0;
};

// Finds the user's line. Throws Error(no_such_user) when absent, and Error(failure) with
// FILE:LINE when the file is missing or unreadable, the line is malformed, or the user appears
// more than once (which line counts would be a guess).
[[nodiscard]] UserHash find_user(const std::string& path, std::string_view user);

struct VerifyResult {
    Verification verification = Verification::unverifiable;
    HashInfo info;
    std::size_t line = 0;
};

// Checks the password against a line that find_user returned.
[[nodiscard]] VerifyResult verify_user(const UserHash& user, const Secret& password);

// One entry, valid during the call that receives it.
struct UserInfo {
    std::string_view user;
    HashInfo info;
    std::size_t line = 0;
};

struct ListingHandlers {
    // Every entry's name, in file order, before any user is listed (for column widths). Optional.
    std::function<void(std::string_view)> name;
    // Every entry in file order.
    std::function<void(const UserInfo&)> user;
    // Malformed lines (all of them before the first user), then duplicates as they come.
    std::function<void(const LineProblem&)> problem;
};

// Streams the users of the file in two passes over one open descriptor. Throws Error when the
// file is missing or unreadable.
void list_users(const std::string& path, const ListingHandlers& handlers);

}  // namespace mqpasswd
