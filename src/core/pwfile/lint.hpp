// `check`: every problem a broker would hit or warn about in a password file, with its line.
#pragma once

#include "core/fs/broker_account.hpp"
#include "core/pwfile/profile.hpp"

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

// Why `account` cannot read the file (the file's mode and owner, or a directory on the way), or
// nothing when it can.
[[nodiscard]] std::optional<std::string> readability_problem(const std::string& path, const BrokerAccount& account);

// Content problems for a broker of `broker`'s generation, then file problems (symlink, mode,
// owner, readability by `account` when given). Throws Error only when the file cannot be read.
[[nodiscard]] std::vector<Finding> lint_password_file(const std::string& path, const BrokerTarget& broker,
                                                      const std::optional<BrokerAccount>& account);

}  // namespace mqpasswd
