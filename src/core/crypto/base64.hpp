// Base64 with the standard alphabet: padded for $6$/$7$ (as OpenSSL's BIO writes them for
// Mosquitto), unpadded for argon2id's PHC strings.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

enum class Padding { required, none };

[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes, Padding padding);

// Nothing when the text is not base64 of the given kind. Whitespace is never accepted: the
// broker does not accept it either.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text, Padding padding);

}  // namespace mqpasswd
