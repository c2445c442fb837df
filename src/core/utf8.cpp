// UTF-8 as RFC 3629 defines it: what a username must be, and what JSON output may carry as is.
#include "core/utf8.hpp"

namespace mqpasswd {

std::size_t utf8_sequence(std::string_view text, std::size_t pos, std::uint32_t& code_point) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07u;
    } else {
        return 0;
    }
    if (pos + length > text.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) {
            return 0;
        }
        code_point = (code_point << 6) | (byte(i) & 0x3Fu);
    }
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    const bool overlong = code_point < smallest[length];
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) {
        return 0;
    }
    return length;
}

bool is_control_character(std::uint32_t code_point) noexcept {
    return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
}

bool is_valid_utf8(std::string_view text) noexcept {
    std::uint32_t code_point = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t length = utf8_sequence(text, pos, code_point);
        if (length == 0) {
            return false;
        }
        pos += length;
    }
    return true;
}

}  // namespace mqpasswd
