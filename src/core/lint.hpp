// `check`: every problem a broker would hit or warn about in a password file, with its line.
#pragma once

#include "core/profile.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mqpasswd {

enum class Severity { error, warning };

struct Finding {
    Severity severity = Severity::error;
    std::size_t line = 0;  // 0: about the file as a whole
    std::string message;
};

// The account the broker reads the file as (it drops privileges before loading it).
struct BrokerAccount {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary groups
};

// The account named `user`, or nothing when this system has no such account.
[[nodiscard]] std::optional<BrokerAccount> broker_account(const std::string& user);

// Why `account` cannot read the file (the file's mode and owner, or a directory on the way), or
// nothing when it can.
[[nodiscard]] std::optional<std::string> readability_problem(const std::string& path, const BrokerAccount& account);

// Gives the file to the account: owner and group, mode 0600 (never through a symlink).
void give_to_account(const std::string& path, const BrokerAccount& account);

// Content problems for a broker of `broker`'s generation, then file problems (symlink, mode,
// owner, readability by `account` when given). Throws Error only when the file cannot be read.
[[nodiscard]] std::vector<Finding> lint_password_file(const std::string& path, const BrokerTarget& broker,
                                                      const std::optional<BrokerAccount>& account);

}  // namespace mqpasswd
