// Username rules. Each exists because the broker would otherwise silently misread the line or the
// client could never log in (see shared/facts/pwfile-format.md §2, §3.5).
#include "core/pwfile/username.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"

#include <cstdint>

namespace mqpasswd {

std::optional<std::string> username_problem(std::string_view username) {
    if (username.empty()) {
        return "username is empty";
    }
    if (username.size() > max_field_length) {
        return "username is longer than 65535 bytes";
    }
    std::uint32_t code_point = 0;
    for (std::size_t pos = 0; pos < username.size();) {
        const auto byte = static_cast<unsigned char>(username[pos]);
        if (byte >= 0x20 && byte < 0x7F && byte != ':') {  // printable ASCII: most names, checked fast
            ++pos;
            continue;
        }
        const std::size_t length = utf8_sequence(username, pos, code_point);
        if (length == 0) {
            return "username is not valid UTF-8";
        }
        if (is_control_character(code_point)) {
            return "username must not contain control characters";
        }
        if (code_point == ':') {
            return "username must not contain ':'";
        }
        pos += length;
    }
    if (is_blank(username.front()) || is_blank(username.back())) {
        return "username must not start or end with a space (the broker would trim it)";
    }
    if (username.front() == '#') {
        return "username must not start with '#' (the broker would read the line as a comment)";
    }
    return std::nullopt;
}

}  // namespace mqpasswd
