// The edits mqpasswd makes to a password file in memory, and the report of what each did.
#pragma once

#include "core/crypto/hash.hpp"
#include "core/pwfile/profile.hpp"
#include "core/pwfile/pwfile.hpp"

#include <string>
#include <vector>

namespace mqpasswd {

class Secret;

enum class Action {
    added,      // new user
    updated,    // new password
    rehashed,   // same password, stored again with the target's (stronger or readable) hash
    unchanged,  // same password, hash already good enough: nothing written
    removed,
    missing,   // delete --missing-ok of a user that was not there
    upgraded,  // plain-text line hashed
};

[[nodiscard]] std::string_view action_name(Action action) noexcept;

struct UserChange {
    std::string user;
    Action action;
};

struct EditReport {
    std::vector<UserChange> changes;
    std::vector<std::string> warnings;  // about lines left alone; never quoting a hash or password

    [[nodiscard]] bool changed() const noexcept;
};

// The idempotence rule (DESIGN §3), for set and import alike: what setting `password` does to the
// user's existing line. `unchanged` when it verifies against a hash that meets the target and
// the user has no other line; `rehashed` when it verifies but falls short; otherwise `updated`.
[[nodiscard]] Action action_on_existing(const PwLine& line, bool single_line, const Secret& password,
                                        const HashSpec& spec, const BrokerTarget& broker);
// The same when `line`'s hash has already been checked against the password (verify_hashes).
[[nodiscard]] Action action_on_existing(const PwLine& line, bool single_line, Verification verified,
                                        const HashSpec& spec, const BrokerTarget& broker);

// Adds or changes the user. Idempotent (DESIGN §3): a password that already verifies against a
// hash meeting the target is left as it is.
[[nodiscard]] EditReport set_user(PwFile& file, const std::string& user, const Secret& password, const HashSpec& spec,
                                  const BrokerTarget& broker);

// Removes every line of each user. Throws Error(no_such_user) naming the first absent user unless
// `missing_ok`, in which case absent users are reported as `missing`.
[[nodiscard]] EditReport remove_users(PwFile& file, const std::vector<std::string>& users, bool missing_ok);

// Hashes plain-text entries; hashed, unknown and malformed lines are left as they are.
[[nodiscard]] EditReport upgrade_plain_text(PwFile& file, const HashSpec& spec);

}  // namespace mqpasswd
