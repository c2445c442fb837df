// Base64 encode/decode. Hand-written because OpenSSL's EVP_DecodeBlock accepts whitespace and
// pads its output with zero bytes, which would hide a truncated salt.
#include "core/crypto/base64.hpp"

#include <array>

namespace mqpasswd {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse_table() {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (int i = 0; i < 64; ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

constexpr auto reverse_table = make_reverse_table();

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes, Padding padding) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        text += alphabet[(group >> 18) & 63];
        text += alphabet[(group >> 12) & 63];
        text += alphabet[(group >> 6) & 63];
        text += alphabet[group & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t group = std::uint32_t{bytes[i]} << 16;
        if (rest == 2) {
            group |= std::uint32_t{bytes[i + 1]} << 8;
        }
        text += alphabet[(group >> 18) & 63];
        text += alphabet[(group >> 12) & 63];
        if (rest == 2) {
            text += alphabet[(group >> 6) & 63];
        }
        if (padding == Padding::required) {
            text.append(3 - rest, '=');
        }
    }
    return text;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text, Padding padding) {
    std::size_t pad = 0;
    if (padding == Padding::required) {
        if (text.size() % 4 != 0) {
            return std::nullopt;
        }
        while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
            ++pad;
        }
        text.remove_suffix(pad);
    } else if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> bytes;
    bytes.reserve(text.size() * 3 / 4);
    std::uint32_t group = 0;
    int bits = 0;
    for (const char c : text) {
        const std::int8_t value = reverse_table[static_cast<unsigned char>(c)];
        if (value < 0) {
            return std::nullopt;  // also catches '=' anywhere but at the end
        }
        group = (group << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes.push_back(static_cast<std::uint8_t>((group >> bits) & 0xFF));
        }
    }
    return bytes;
}

}  // namespace mqpasswd
