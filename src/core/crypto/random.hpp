// Random bytes, from OpenSSL's CSPRNG: for salts, generated passwords and temp-file names.
#pragma once

#include <cstdint>
#include <span>

namespace mqpasswd {

// Fills `out` (RAND_bytes); throws Error if the generator fails.
void random_bytes(std::span<std::uint8_t> out);

}  // namespace mqpasswd
