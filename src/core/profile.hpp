// Target profiles: which hashes a given broker generation can read, and what mqpasswd writes for it.
#pragma once

#include "core/hash.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mqpasswd {

// What Mosquitto 2.1 writes, and the least `check` does not call weak: one number for both.
inline constexpr std::uint32_t default_iterations = 1000;

// The broker generation a file is written for. 2.0 brokers read only 12-byte salts and no
// argon2id; 2.1 brokers read 12- or 64-byte salts and argon2id when built with libargon2.
enum class BrokerVersion { v2_0, v2_1 };

[[nodiscard]] std::string_view broker_version_name(BrokerVersion version) noexcept;

// What the user asked for on the command line (both optional).
struct HashRequest {
    std::optional<Algorithm> algorithm;
    std::optional<std::uint32_t> iterations;
};

// The spec to write for that broker. Throws a usage Error for a combination the broker cannot
// read (argon2id for 2.0) or that makes no sense (--iterations with another algorithm).
[[nodiscard]] HashSpec target_spec(BrokerVersion broker, const HashRequest& request);

// Whether that broker accepts the stored hash at all.
[[nodiscard]] bool readable_by(const HashInfo& info, BrokerVersion broker) noexcept;

// Whether a stored hash (whose password already verified) is good enough to keep: readable by
// the broker, the target's algorithm, and at least the target's cost.
[[nodiscard]] bool meets_target(const HashInfo& info, const HashSpec& target, BrokerVersion broker) noexcept;

}  // namespace mqpasswd
