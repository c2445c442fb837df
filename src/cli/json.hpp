// A minimal JSON writer for --json output: objects, arrays, strings, numbers, booleans.
#pragma once

#include <string>
#include <string_view>

namespace mqpasswd::cli {

// A JSON string literal. Bytes that are not valid UTF-8 become U+FFFD, so the output always parses.
[[nodiscard]] std::string json_string(std::string_view text);

class JsonObject {
public:
    JsonObject& field(std::string_view name, std::string_view value);
    JsonObject& field(std::string_view name, const char* value) { return field(name, std::string_view(value)); }
    JsonObject& field(std::string_view name, bool value);
    JsonObject& field(std::string_view name, unsigned long long value);
    // `json` is already JSON (an array or object).
    JsonObject& raw(std::string_view name, std::string_view json);
    [[nodiscard]] std::string str() const { return "{" + body_ + "}"; }

private:
    void key(std::string_view name);
    std::string body_;
};

// Builds "[a,b,...]" from already-encoded JSON values.
class JsonArray {
public:
    JsonArray& add(std::string_view json);
    JsonArray& add_string(std::string_view text) { return add(json_string(text)); }
    [[nodiscard]] std::string str() const { return "[" + body_ + "]"; }

private:
    std::string body_;
};

}  // namespace mqpasswd::cli
