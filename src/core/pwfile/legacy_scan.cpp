// mosquitto_passwd's line rule (shared/facts/pwfile-format.md §3.6, §3.10): strtok(":") skips a
// run of separators, so the first two non-empty tokens are the user and the password, each
// trimmed; either missing or empty makes the line corrupt.
#include "core/pwfile/legacy_scan.hpp"

#include "core/text.hpp"

namespace mqpasswd {
namespace {

// The next ':'-separated token at or after `pos`, skipping empty ones, as strtok does.
std::string_view next_token(std::string_view text, std::size_t& pos) {
    while (pos < text.size() && text[pos] == ':') {
        ++pos;
    }
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ':') {
        ++pos;
    }
    return text.substr(start, pos - start);
}

}  // namespace

std::string_view legacy_username(std::string_view text) {
    text = text.substr(0, text.find('\0'));  // it reads C strings
    std::size_t pos = 0;
    const std::string_view user = trim(next_token(text, pos));
    const std::string_view password = trim(next_token(text, pos));
    return password.empty() ? std::string_view() : user;
}

LegacyScan legacy_scan(const PwFile& file, std::string_view user) {
    LegacyScan scan;
    for (const auto& line : file.lines()) {
        // The line as mosquitto_passwd's reader returns it still holds its '\n'; trimming drops it.
        const std::string_view name = legacy_username(line.text);
        if (name.empty()) {
            scan.corrupt_line = line.source_line;
            return scan;
        }
        if (name == user) {
            scan.user_seen = true;
        }
    }
    return scan;
}

}  // namespace mqpasswd
