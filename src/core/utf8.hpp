// UTF-8 decoding, validation and encoding, for usernames and for JSON.
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

// Appends the UTF-8 encoding of `code_point` (a scalar value: at most U+10FFFF, no surrogate) to
// `out`, a std::string or a Secret (anything with push_back(char)).
template <class Out> void append_utf8(Out& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

}  // namespace mqpasswd
