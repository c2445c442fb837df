// PBKDF2-HMAC-SHA512, the primitive behind Mosquitto's $7$ hashes.
#pragma once

#include <cstdint>
#include <span>

namespace mqpasswd {

// Fills `out` (any length) from the password and salt. Throws Error if OpenSSL fails.
void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out);

}  // namespace mqpasswd
