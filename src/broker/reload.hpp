// Signalling a running broker to re-read its password file, after checking that the file will
// not stop it: a 2.1 broker exits on a bad file at reload, and a 2.0 broker that cannot open it
// keeps running with no password check at all.
#pragma once

#include "core/pwfile/profile.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace mqpasswd {

inline constexpr const char* default_mosquitto_conf = "/etc/mosquitto/mosquitto.conf";

struct ReloadRequest {
    std::string conf = default_mosquitto_conf;
    std::optional<pid_t> pid;  // --pid: skip the search
    std::string pwfile;        // when set, CONF must name this file
    BrokerTarget broker = broker_2_0;
    bool dry_run = false;  // check and find the broker, signal nothing, run nothing
};

struct ReloadResult {
    std::string how;  // "SIGHUP to pid 123 (pid_file /run/mosquitto.pid)", "systemctl reload mosquitto"
};

// Validates every password file CONF names (errors refuse the reload), finds the broker, signals
// it, and checks that it is still running. Throws Error saying what it tried when it cannot.
// A dry run stops before the signal (or systemctl) and says what it would have done.
// A pid (--pid or the pid_file) is signalled only when /proc/PID/exe is find_broker_program()'s
// file (same device and inode) and the process's real and effective uid are root's or those of
// CONF's `user` (default mosquitto); children (systemctl) run through run_child.
[[nodiscard]] ReloadResult reload_broker(const ReloadRequest& request);

// The pid in a pid_file's text as mosquitto writes it ("1234\n"): decimal digits, then only white
// space, and a value a pid can have (1 to INT_MAX). Nothing for anything else.
[[nodiscard]] std::optional<pid_t> parse_pid_text(std::string_view text);

// What can be known before the file is written: CONF can be read and names the password file.
// A --reload that would fail for that reason refuses the write instead of following it.
void check_reload_possible(const ReloadRequest& request);

}  // namespace mqpasswd
