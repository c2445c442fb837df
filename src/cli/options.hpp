// The parsed command line: a plain struct that the parser fills and the commands only read.
#pragma once

#include "core/fs/file_owner.hpp"
#include "core/input/password_source.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqpasswd::cli {

// One per command, named as typed (`delete` is a keyword: delete_users).
enum class Command {
    set,
    delete_users,
    verify,
    list,
    upgrade,
    import,
    check,
    broker_reload,
    broker_enable,
    dynsec_export,
    dynsec_import
};

struct Options {
    Command command = Command::list;
    std::string pwfile;
    std::vector<std::string> users;  // set and verify: exactly one; delete: one or more

    bool json = false;
    bool quiet = false;
    bool dry_run = false;
    bool create = false;
    bool force = false;
    bool missing_ok = false;

    std::string hash;  // "" = the profile's default
    std::optional<long long> iterations;
    std::string broker_version = "auto";
    std::string broker_argon2 = "auto";
    OwnerRequest new_owner;

    std::string conf;        // check, broker, --reload: the mosquitto.conf ("" = none for check, else Debian's)
    std::optional<int> pid;  // broker reload --pid
    // broker enable
    bool no_anonymous = false;
    bool replace = false;
    bool fix_permissions = false;
    std::vector<std::string> listeners;
    std::string bind;
    bool reload = false;  // --reload: after a write, `broker reload` with `conf`

    // import
    std::string source = "-";
    std::string format;  // "" = guess
    bool prune = false;
    bool skip_invalid = false;
    unsigned jobs = 0;  // 0 = one per CPU

    // dynsec export / import: the dynamic-security plugin's JSON file (pwfile is the password file)
    std::string dynsec_file;
    bool skip_unconvertible = false;

    PasswordSource password_source;
    std::string password_argument;  // with -b; wiped as soon as it is copied into a Secret
};

}  // namespace mqpasswd::cli
