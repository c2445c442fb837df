// Byte-level text helpers shared by the parsers; "blank" is exactly what the broker's isspace trims,
// and a line ends at '\n' alone: whether a '\r' before it belongs to the line is each format's call.
#pragma once

#include <string_view>

namespace mqpasswd {

[[nodiscard]] constexpr bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

[[nodiscard]] constexpr std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

// One line taken off the front of some text.
struct TextLine {
    std::string_view text;  // without its '\n'
    bool ended = false;     // a '\n' followed it (false only for a last line without one)
};

// Takes the first line off `rest`: returns it, and drops it and its '\n' from `rest`. Callers loop
// while `rest` is not empty, so empty text has no lines and "a\n" has one.
[[nodiscard]] constexpr TextLine next_line(std::string_view& rest) noexcept {
    const std::size_t newline = rest.find('\n');
    const TextLine line{rest.substr(0, newline), newline != std::string_view::npos};
    rest.remove_prefix(line.ended ? newline + 1 : rest.size());
    return line;
}

}  // namespace mqpasswd
