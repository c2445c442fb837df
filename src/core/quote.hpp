// Quoting a name taken from input (a username, a hash name, a typed word) inside a message: a name
// may be 65535 bytes long, and a message is one line a person reads, so it is cut and made inert.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mqpasswd {

inline constexpr std::size_t quoted_name_max_bytes = 64;

// 'abc'; a name longer than 64 bytes becomes '<its first 64 bytes>...' (70000 bytes), cut back to
// a UTF-8 boundary so the message stays valid UTF-8. Control bytes are shown as '?', so a name in
// a message can never move the cursor or recolour the terminal.
[[nodiscard]] inline std::string quoted_name(std::string_view name) {
    std::size_t shown = name.size();
    if (shown > quoted_name_max_bytes) {
        shown = quoted_name_max_bytes;
        while (shown > 0 && (static_cast<unsigned char>(name[shown]) & 0xC0) == 0x80) {
            --shown;  // name[shown] continues a sequence: cut before the sequence instead
        }
    }
    std::string text = "'";
    for (const char c : name.substr(0, shown)) {
        const auto byte = static_cast<unsigned char>(c);
        text += byte < 0x20 || byte == 0x7F ? '?' : c;
    }
    text += '\'';
    if (shown < name.size()) {
        text.insert(text.size() - 1, "...");
        text += " (" + std::to_string(name.size()) + " bytes)";
    }
    return text;
}

}  // namespace mqpasswd
