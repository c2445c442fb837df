// A JSON document held whole, for files mqpasswd edits and writes back (the dynamic-security
// plugin's): objects keep their key order, numbers keep their original text, and reading is
// bounded in size, depth and value count, so hostile input costs bounded memory and time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqpasswd {

enum class JsonKind { null, boolean, number, string, array, object };

class JsonValue {
public:
    using Member = std::pair<std::string, JsonValue>;

    JsonValue() = default;
    [[nodiscard]] static JsonValue boolean(bool value);
    // `text` must be a JSON number as written (parse_json checks the ones it reads).
    [[nodiscard]] static JsonValue number(std::string text);
    [[nodiscard]] static JsonValue string(std::string text);
    [[nodiscard]] static JsonValue array();
    [[nodiscard]] static JsonValue object();

    [[nodiscard]] JsonKind kind() const noexcept { return kind_; }
    [[nodiscard]] bool is(JsonKind kind) const noexcept { return kind_ == kind; }
    // A string's decoded UTF-8, a number's text, "true" or "false"; "" for the rest.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

    [[nodiscard]] std::vector<JsonValue>& items() noexcept { return items_; }
    [[nodiscard]] const std::vector<JsonValue>& items() const noexcept { return items_; }
    [[nodiscard]] std::vector<Member>& members() noexcept { return members_; }
    [[nodiscard]] const std::vector<Member>& members() const noexcept { return members_; }

    // An object's member, or nullptr (also when this is not an object).
    [[nodiscard]] const JsonValue* find(std::string_view key) const noexcept;
    [[nodiscard]] JsonValue* find(std::string_view key) noexcept;
    // Replaces the member in place (keeping its position), or appends it.
    void set(std::string_view key, JsonValue value);
    // Removes the member; whether there was one.
    bool erase(std::string_view key);

    friend bool operator==(const JsonValue&, const JsonValue&) = default;

private:
    JsonKind kind_ = JsonKind::null;
    std::string text_;
    std::vector<JsonValue> items_;
    std::vector<Member> members_;
};

struct JsonLimits {
    std::size_t max_bytes = std::size_t{32} << 20;  // 32 MiB: a dynsec file of ~100 000 clients
    std::size_t max_depth = 64;                     // nesting; recursion past it is an attack on the stack
    std::size_t max_values = std::size_t{2} << 20;  // every value counts, so memory stays ~100 bytes each
};

// Parses one JSON text (RFC 8259: UTF-8, no BOM, no comments, nothing after the value). Refuses,
// with Error naming `display` and the line: bad syntax, invalid UTF-8, a lone surrogate escape,
// a duplicate key in one object (which readers resolve differently, so its meaning is unclear),
// and anything past `limits`.
[[nodiscard]] JsonValue parse_json(std::string_view text, const std::string& display, const JsonLimits& limits = {});

// The document as text: one member or item a line, tab-indented as the plugin writes it, ending
// with a newline. Strings are escaped only where JSON requires it (UTF-8 is kept as it is).
[[nodiscard]] std::string serialise_json(const JsonValue& value);

// A JSON string literal of `text` (which must be valid UTF-8), with its quotes.
[[nodiscard]] std::string json_quoted(std::string_view text);

}  // namespace mqpasswd
