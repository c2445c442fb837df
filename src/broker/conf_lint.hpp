// `check --conf` and `broker enable`'s last look: what a start or a reload of the broker would
// make of a configuration that should check clients against one password file.
#pragma once

#include "broker/mosquitto_conf.hpp"
#include "core/pwfile/lint.hpp"
#include "core/pwfile/profile.hpp"

#include <string>
#include <vector>

namespace mqpasswd {

// What a start of the broker would stop at, or silently ignore: a line whose first word is no
// option name (a tab where a space belongs, an indented '#'), a second password_file in one
// scope (an error for 2.0, which refuses to start; a warning for 2.1, which uses the last). A
// reload refuses errors here: the running broker would take it, and the next start would fail.
[[nodiscard]] std::vector<Finding> start_problems(const MosquittoConf& conf, const BrokerTarget& broker);

// Warnings for each file of `conf`, and each include_dir, that a user other than root (and this
// process's) owns, or that its group (not root's) or every user may write.
[[nodiscard]] std::vector<Finding> writable_by_others(const MosquittoConf& conf);

// Findings about `conf` for the password file `pwfile` and a broker of `broker`'s generation,
// each naming FILE:LINE where a line is at fault: no password file, one naming another file, the
// start_problems, files others may change, and local only
// mode (no listener: nothing from the network gets in, and 2.0.11 lets local clients in without
// a password whatever allow_anonymous says).
[[nodiscard]] std::vector<Finding> lint_conf(const MosquittoConf& conf, const std::string& pwfile,
                                             const BrokerTarget& broker);

}  // namespace mqpasswd
