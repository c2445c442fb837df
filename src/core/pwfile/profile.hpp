// Target profiles: which hashes a given broker generation can read, and what mqpasswd writes for it.
#pragma once

#include "core/crypto/hash.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mqpasswd {

// What Mosquitto 2.1 writes, and the least `check` does not call weak: one number for both.
inline constexpr std::uint32_t default_iterations = 1000;

// The broker generation a file is written for. 2.0 brokers read only 12-byte salts and no
// argon2id; 2.1 brokers read 12- or 64-byte salts and argon2id when built with libargon2.
enum class BrokerVersion { v2_0, v2_1 };

// Whether the broker reads $argon2id$ lines: only a 2.1 built with libargon2 (WITH_ARGON2) does.
// Debian's 2.1 and the official Docker image's are built without it, and such a broker stops at
// the first $argon2id$ line it loads (at start, or at a reload). `unknown`: nothing says which, so
// nothing argon2id is written and `check` (so also `broker reload`) calls such lines errors.
enum class Argon2Support { no, yes, unknown };

// What the broker that reads a file can read: its generation and, for 2.1, its argon2 build.
struct BrokerTarget {
    BrokerVersion version = BrokerVersion::v2_0;
    Argon2Support argon2 = Argon2Support::no;  // always `no` for 2.0

    friend bool operator==(const BrokerTarget&, const BrokerTarget&) = default;
};

inline constexpr BrokerTarget broker_2_0{BrokerVersion::v2_0, Argon2Support::no};

[[nodiscard]] std::string_view broker_version_name(BrokerVersion version) noexcept;
// "yes", "no", "unknown": the JSON and --broker-argon2 spelling.
[[nodiscard]] std::string_view argon2_support_name(Argon2Support support) noexcept;

// What the user asked for on the command line (both optional).
struct HashRequest {
    std::optional<Algorithm> algorithm;
    std::optional<std::uint32_t> iterations;
};

// The hash a command writes and why: the spec and the broker it was chosen for.
struct WriteTarget {
    HashSpec spec;
    BrokerTarget broker = broker_2_0;
    std::string reason;  // how the broker was decided: "mosquitto 2.0.11 at /usr/sbin/mosquitto"
};

// The spec to write for that broker. Throws a usage Error for a combination the broker cannot
// read (argon2id for 2.0, for a 2.1 without libargon2, or for one whose build is unknown) or that
// makes no sense (--iterations with another algorithm). `why_target`, when given, says how the
// target was chosen and ends a refusal about the broker.
[[nodiscard]] HashSpec target_spec(const BrokerTarget& broker, const HashRequest& request,
                                   std::string_view why_target = {});

// Why that broker cannot read an argon2id line ("" when it can), as target_spec's refusal says it;
// `check` words the same rule (readable_by) per line.
[[nodiscard]] std::string argon2_problem(const BrokerTarget& broker);

// Whether that broker accepts the stored hash at all (argon2id: only when known to).
[[nodiscard]] bool readable_by(const HashInfo& info, const BrokerTarget& broker) noexcept;

// Whether a stored hash (whose password already verified) is good enough to keep: readable by
// the broker, the target's algorithm, and at least the target's cost.
[[nodiscard]] bool meets_target(const HashInfo& info, const HashSpec& target, const BrokerTarget& broker) noexcept;

}  // namespace mqpasswd
