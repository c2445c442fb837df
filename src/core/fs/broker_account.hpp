// The account the broker runs as: looked up once by name, and the one operation that gives it a
// file (owner, group, mode 0600), through the checked directory.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mqpasswd {

// The broker's account when mosquitto.conf names no `user` (Debian's package creates it).
inline constexpr const char* default_broker_user = "mosquitto";

// The account the broker reads the file as (it drops privileges before loading it).
struct BrokerAccount {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary groups
};

// The account named `user`, or nothing when this system has no such account.
[[nodiscard]] std::optional<BrokerAccount> broker_account(const std::string& user);

// Gives the file to the account: owner and group, mode 0600 (never through a symlink).
void give_to_account(const std::string& path, const BrokerAccount& account);

}  // namespace mqpasswd
