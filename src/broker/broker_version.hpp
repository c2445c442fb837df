// Which Mosquitto is installed here, for --broker-version auto.
#pragma once

#include "core/pwfile/profile.hpp"

#include <optional>
#include <string>

namespace mqpasswd {

struct DetectedBroker {
    std::string version;  // "2.0.11"
    std::string program;  // the binary that answered
};

// Parses the first line of `mosquitto -h` ("mosquitto version 2.0.11"); nothing if it is not one.
[[nodiscard]] std::optional<std::string> parse_version_banner(std::string_view output);

// The profile for a version string: 2.0.x gives 2.0, 2.1 and later give 2.1. Throws Error for
// versions before 2.0 (they read only $6$ hashes) so the user decides explicitly.
[[nodiscard]] BrokerVersion profile_for_version(const std::string& version);

// The mosquitto program of this host: the one the version probe runs, and the one a process must
// be running for `broker reload` to signal it. MQPASSWD_MOSQUITTO, when set, names it: an absolute
// path (Error otherwise), for a broker installed where no PATH looks, and for tests. Otherwise the
// first executable `mosquitto` in PATH, then /usr/sbin and /usr/local/sbin. As root the program
// runs as root, so only absolute PATH entries are searched (an empty or relative one means the
// working directory, which may be anyone's), and a program that another user could change (the
// file, a directory or a link on its way) is passed over in PATH and refused (Error) from
// MQPASSWD_MOSQUITTO. Nothing when there is none.
[[nodiscard]] std::optional<std::string> find_broker_program();

// 2.1's password-file plugin beside find_broker_program()'s broker: mosquitto_password_file.so in
// PREFIX/lib/*/mosquitto/ (Debian's multiarch directory), PREFIX/lib/mosquitto/ or PREFIX/lib/,
// where PREFIX is the directory above the program's; a file another user could change is passed
// over (the broker loads it as root). Nothing when there is none.
[[nodiscard]] std::optional<std::string> find_password_file_plugin();

// Whether detection may write the broker-version cache (broker_cache.hpp): not on --dry-run, which
// changes nothing anywhere. Reading it is always allowed.
enum class DetectionCache { read_only, read_write };

// What `mosquitto -h` (find_broker_program's) says: from the broker-version cache when it holds
// this very program file's answer, else by running it with a time limit, a clean environment and
// no inherited descriptors (and, with read_write, remembering the answer). Nothing when no broker
// answers.
[[nodiscard]] std::optional<DetectedBroker> detect_installed_broker(DetectionCache cache = DetectionCache::read_only);

// What the program at `path` says of its argon2 build: `yes` when it is dynamically linked with
// libargon2, `no` when it is dynamically linked without it, `unknown` when it cannot be read, is
// statically linked, or takes its password code from a libmosquitto* library it needs (not read).
[[nodiscard]] Argon2Support argon2_support_of(const std::string& program);

struct ResolvedProfile {
    BrokerTarget target;
    std::string reason;  // "mosquitto 2.0.11 at /usr/sbin/mosquitto", "--broker-version 2.1", ...
};

// `version`: "2.0", "2.1" or "auto" (detect; when no broker is found, 2.0: every 2.x broker reads
// its hashes). `argon2`: "yes", "no" or "auto": for a detected 2.1 broker, argon2_support_of its
// program; for --broker-version 2.1, unknown (the file may be for another machine's broker).
// "yes" needs a 2.1 target (usage Error otherwise). `cache`: as detect_installed_broker's.
[[nodiscard]] ResolvedProfile resolve_profile(const std::string& version, const std::string& argon2 = "auto",
                                              DetectionCache cache = DetectionCache::read_only);
// Throws Error(usage) unless `requested` is 2.0, 2.1 or auto: every command checks it, also those
// that never resolve a profile.
void check_broker_version_name(const std::string& requested);
// The same for --broker-argon2: yes, no or auto.
void check_broker_argon2_name(const std::string& requested);

}  // namespace mqpasswd
