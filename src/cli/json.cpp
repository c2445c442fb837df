// JSON encoding. Usernames read from a file may be any bytes, so encoding must never fail.
#include "cli/json.hpp"

#include "core/utf8.hpp"

#include <cstdio>

namespace mqpasswd::cli {
namespace {

std::size_t valid_sequence_length(std::string_view text, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (pos + length <= text.size() && is_valid_utf8(text.substr(pos, length))) {
        return length;
    }
    return 0;
}

}  // namespace

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (std::size_t pos = 0; pos < text.size();) {
        const char c = text[pos];
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) {
            const std::size_t length = valid_sequence_length(text, pos);
            out += length == 0 ? "\xEF\xBF\xBD" : std::string(text.substr(pos, length));
            pos += length == 0 ? 1 : length;
            continue;
        }
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte == 0x7F) {
            char escaped[8];
            (void)std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(byte));
            out += escaped;
        } else {
            out += c;
        }
        ++pos;
    }
    return out + "\"";
}

void JsonObject::key(std::string_view name) {
    if (!body_.empty()) {
        body_ += ',';
    }
    body_ += json_string(name) + ':';
}

JsonObject& JsonObject::field(std::string_view name, std::string_view value) {
    key(name);
    body_ += json_string(value);
    return *this;
}

JsonObject& JsonObject::field(std::string_view name, bool value) {
    key(name);
    body_ += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::field(std::string_view name, unsigned long long value) {
    key(name);
    body_ += std::to_string(value);
    return *this;
}

JsonObject& JsonObject::raw(std::string_view name, std::string_view json) {
    key(name);
    body_ += json;
    return *this;
}

JsonArray& JsonArray::add(std::string_view json) {
    if (!body_.empty()) {
        body_ += ',';
    }
    body_ += json;
    return *this;
}

}  // namespace mqpasswd::cli
