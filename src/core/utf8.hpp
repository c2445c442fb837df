// UTF-8 decoding and validation, for usernames and for JSON output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mqpasswd {

// Decodes one UTF-8 sequence at text[pos]; returns its length, or 0 if it is invalid (overlong,
// surrogate, beyond U+10FFFF, or truncated).
[[nodiscard]] std::size_t utf8_sequence(std::string_view text, std::size_t pos, std::uint32_t& code_point) noexcept;

// C0 and C1 control characters and DEL.
[[nodiscard]] bool is_control_character(std::uint32_t code_point) noexcept;

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace mqpasswd
