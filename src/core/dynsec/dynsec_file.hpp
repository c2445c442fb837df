// The dynamic-security plugin's JSON file as mqpasswd reads and edits it: its clients' passwords
// to and from password-file hashes. Only a client's password members are ever changed; every other
// client, group, role, ACL and unknown key stays as it was in meaning.
//
// Client passwords (verified on Mosquitto 2.0.11's plugin and in the plugin's source):
//   2.0: "password" (base64 of the 64-byte PBKDF2-HMAC-SHA512 key), "salt" (base64; only a 12-byte
//        salt loads: any other length drops the client silently), "iterations" (a JSON number).
//   2.1: "encoded_password", the password file's own string ($7$...), read before the 2.0 members.
#pragma once

#include "core/dynsec/json_value.hpp"
#include "core/pwfile/edit.hpp"
#include "core/pwfile/profile.hpp"
#include "core/pwfile/pwfile.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace mqpasswd {

// One password carried over: a user and its password-file hash.
struct CarriedPassword {
    std::string user;
    std::string hash;      // "$7$ITERATIONS$SALT$HASH" (or another password-file encoding)
    std::size_t line = 0;  // in the password file (export); 0 for a dynsec client
};

// A user that cannot be carried over, and why ("a $6$ hash: ...").
struct Unconvertible {
    std::string user;
    std::size_t line = 0;  // in the password file (export); 0 for a dynsec client
    std::string reason;
};

struct Conversion {
    std::vector<CarriedPassword> passwords;
    std::vector<Unconvertible> unconvertible;
};

// A new, valid dynamic-security file without clients: no roles, no groups, and the plugin's own
// default ACL access (what `mosquitto_ctrl dynsec init` writes).
[[nodiscard]] JsonValue new_dynsec_document();

// Refuses (Error naming `display`) what is not a dynamic-security file mqpasswd can edit safely:
// not an object, "clients" not an array, a client that is not an object, or two clients with one
// username (the plugins disagree on which one counts).
void check_dynsec_document(const JsonValue& document, const std::string& display);

// The entries of `file` and whether `broker`'s plugin can read each: only PBKDF2 ($7$) with a salt
// it reads (2.0: 12 bytes); argon2id for a 2.1 built with it. Plain text, $6$, malformed lines
// and the rest are listed as unconvertible.
[[nodiscard]] Conversion exportable_users(const PwFile& file, const BrokerTarget& broker);

// Adds or updates a client for each password, in the form `broker` reads (2.0: the three members;
// 2.1: encoded_password), removing the other form's members so no stale password remains. A
// client whose password already reads as the same hash is `unchanged`. `passwords` are what
// exportable_users gave for the same broker (for 2.0: $7$ hashes only).
[[nodiscard]] EditReport export_clients(JsonValue& document, const std::vector<CarriedPassword>& passwords,
                                        const BrokerTarget& broker);

// The clients of `document` as password-file hashes `broker` reads: each client's password as
// `broker`'s plugin reads it (2.0: the triple; 2.1: encoded_password first), or else its other form.
// Clients without a password, with one that does not decode or that `broker` cannot read from a
// password file, or with a username a password file cannot hold are listed.
[[nodiscard]] Conversion importable_clients(const JsonValue& document, const BrokerTarget& broker);

// Sets each user's line to its carried hash (added, updated, or unchanged when the line already
// holds exactly that hash); every other line stays as it was.
[[nodiscard]] EditReport import_hashes(PwFile& file, const std::vector<CarriedPassword>& passwords);

// `document` with every client's password members replaced by "(hidden)", for --dry-run's diff.
[[nodiscard]] JsonValue masked_dynsec(JsonValue document);

}  // namespace mqpasswd
