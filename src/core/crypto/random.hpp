// Random bytes, from the kernel (getrandom): for salts, generated passwords and temp-file names.
#pragma once

#include <cstdint>
#include <span>

namespace mqpasswd {

// Fills `out` from getrandom(2); throws Error if the kernel cannot give random bytes.
void random_bytes(std::span<std::uint8_t> out);

}  // namespace mqpasswd
