// argon2id through libargon2 (what Mosquitto 2.1 links), with the 46 MiB of working memory kept
// per thread between hashes: libargon2 otherwise maps fresh memory for every hash, and the
// kernel's zeroing and page faults cost about a third of a hash (issue 18).
#pragma once

#include "core/crypto/secret.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace mqpasswd {

// The PHC string "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH" (unpadded base64), byte for byte what
// argon2id_hash_encoded writes for the same inputs. Throws Error when libargon2 refuses them.
[[nodiscard]] std::string argon2id_encoded(std::uint32_t time_cost, std::uint32_t memory_kib, std::uint32_t parallelism,
                                           const Secret& password, std::span<const std::uint8_t> salt,
                                           std::size_t hash_length);

}  // namespace mqpasswd
