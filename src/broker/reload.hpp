// Signalling a running broker to re-read its password file, after checking that the file will
// not stop it: a 2.1 broker exits on a bad file at reload, and a 2.0 broker that cannot open it
// keeps running with no password check at all.
#pragma once

#include "core/profile.hpp"

#include <optional>
#include <string>
#include <sys/types.h>

namespace mqpasswd {

inline constexpr const char* default_mosquitto_conf = "/etc/mosquitto/mosquitto.conf";

struct ReloadRequest {
    std::string conf = default_mosquitto_conf;
    std::optional<pid_t> pid;  // --pid: skip the search
    std::string pwfile;        // when set, CONF must name this file
    BrokerVersion broker = BrokerVersion::v2_0;
    bool dry_run = false;  // check and find the broker, signal nothing, run nothing
};

struct ReloadResult {
    std::string how;  // "SIGHUP to pid 123 (pid_file /run/mosquitto.pid)", "systemctl reload mosquitto"
};

// Validates every password file CONF names (errors refuse the reload), finds the broker, signals
// it, and checks that it is still running. Throws Error saying what it tried when it cannot.
// A dry run stops before the signal (or systemctl) and says what it would have done.
[[nodiscard]] ReloadResult reload_broker(const ReloadRequest& request);

// What can be known before the file is written: CONF can be read and names the password file.
// A --reload that would fail for that reason refuses the write instead of following it.
void check_reload_possible(const ReloadRequest& request);

}  // namespace mqpasswd
