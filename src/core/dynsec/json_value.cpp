// A recursive-descent reader with the line number for its errors and explicit limits, and the
// writer. The reader is recursive only to max_depth, so the stack it uses is bounded too.
#include "core/dynsec/json_value.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_set>

namespace mqpasswd {

JsonValue JsonValue::boolean(bool value) {
    JsonValue result;
    result.kind_ = JsonKind::boolean;
    result.text_ = value ? "true" : "false";
    return result;
}

JsonValue JsonValue::number(std::string text) {
    JsonValue result;
    result.kind_ = JsonKind::number;
    result.text_ = std::move(text);
    return result;
}

JsonValue JsonValue::string(std::string text) {
    JsonValue result;
    result.kind_ = JsonKind::string;
    result.text_ = std::move(text);
    return result;
}

JsonValue JsonValue::array() {
    JsonValue result;
    result.kind_ = JsonKind::array;
    return result;
}

JsonValue JsonValue::object() {
    JsonValue result;
    result.kind_ = JsonKind::object;
    return result;
}

const JsonValue* JsonValue::find(std::string_view key) const noexcept {
    const auto found =
        std::find_if(members_.begin(), members_.end(), [&](const Member& member) { return member.first == key; });
    return found == members_.end() ? nullptr : &found->second;
}

JsonValue* JsonValue::find(std::string_view key) noexcept {
    return const_cast<JsonValue*>(std::as_const(*this).find(key));
}

void JsonValue::set(std::string_view key, JsonValue value) {
    if (JsonValue* existing = find(key)) {
        *existing = std::move(value);
        return;
    }
    members_.emplace_back(std::string(key), std::move(value));
}

bool JsonValue::erase(std::string_view key) {
    const auto found =
        std::find_if(members_.begin(), members_.end(), [&](const Member& member) { return member.first == key; });
    if (found == members_.end()) {
        return false;
    }
    members_.erase(found);
    return true;
}

namespace {

class Reader {
public:
    Reader(std::string_view text, const std::string& display, const JsonLimits& limits)
        : text_(text), display_(display), limits_(limits) {}

    JsonValue document();

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw Error(ExitCode::failure, "not valid JSON: " + message, display_, line_);
    }
    void skip_space();
    [[nodiscard]] bool take(char c);
    void expect(char c, const char* what);
    JsonValue value(std::size_t depth);
    JsonValue object(std::size_t depth);
    JsonValue array(std::size_t depth);
    JsonValue literal();
    JsonValue number();
    std::string string();
    void escape(std::string& out);
    std::uint32_t hex4();
    void count_value();

    std::string_view text_;
    const std::string& display_;
    const JsonLimits& limits_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t values_ = 0;
};

void Reader::skip_space() {
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '\n') {
            ++line_;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        ++pos_;
    }
}

bool Reader::take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
        ++pos_;
        return true;
    }
    return false;
}

void Reader::expect(char c, const char* what) {
    if (!take(c)) {
        fail(std::string("expected ") + what);
    }
}

void Reader::count_value() {
    if (++values_ > limits_.max_values) {
        fail("more than " + std::to_string(limits_.max_values) + " values");
    }
}

JsonValue Reader::document() {
    if (text_.size() > limits_.max_bytes) {
        throw Error(ExitCode::failure, "larger than " + std::to_string(limits_.max_bytes >> 20) + " MiB", display_);
    }
    if (text_.starts_with("\xEF\xBB\xBF")) {
        fail("a byte order mark");
    }
    JsonValue root = value(0);
    skip_space();
    if (pos_ != text_.size()) {
        fail("more after the end of the document");
    }
    return root;
}

JsonValue Reader::value(std::size_t depth) {
    skip_space();
    if (pos_ == text_.size()) {
        fail("unexpected end");
    }
    count_value();
    switch (text_[pos_]) {
    case '{':
        return object(depth + 1);
    case '[':
        return array(depth + 1);
    case '"':
        return JsonValue::string(string());
    case 't':
    case 'f':
    case 'n':
        return literal();
    default:
        return number();
    }
}

JsonValue Reader::object(std::size_t depth) {
    if (depth > limits_.max_depth) {
        fail("nested deeper than " + std::to_string(limits_.max_depth));
    }
    ++pos_;  // '{'
    JsonValue result = JsonValue::object();
    if (take('}')) {
        return result;
    }
    std::unordered_set<std::string> keys;  // a linear find per member would be quadratic in hostile input
    do {
        skip_space();
        if (pos_ == text_.size() || text_[pos_] != '"') {
            fail("expected a key in quotes");
        }
        const std::size_t key_line = line_;
        std::string key = string();
        if (!keys.insert(key).second) {
            throw Error(ExitCode::failure, "duplicate key " + quoted_name(key) + " in one object", display_, key_line);
        }
        expect(':', "':' after a key");
        JsonValue member = value(depth);
        result.members().emplace_back(std::move(key), std::move(member));
    } while (take(','));
    expect('}', "',' or '}'");
    return result;
}

JsonValue Reader::array(std::size_t depth) {
    if (depth > limits_.max_depth) {
        fail("nested deeper than " + std::to_string(limits_.max_depth));
    }
    ++pos_;  // '['
    JsonValue result = JsonValue::array();
    if (take(']')) {
        return result;
    }
    do {
        result.items().push_back(value(depth));
    } while (take(','));
    expect(']', "',' or ']'");
    return result;
}

JsonValue Reader::literal() {
    for (const std::string_view word : {"true", "false", "null"}) {
        if (text_.substr(pos_, word.size()) == word) {
            pos_ += word.size();
            return word == "null" ? JsonValue() : JsonValue::boolean(word == "true");
        }
    }
    fail("unknown word");
}

// The grammar of RFC 8259 section 6; the text is kept as it is, never converted (a double would
// round 2^53 + 1, and the plugin's own reader decides what a number means to it).
JsonValue Reader::number() {
    const std::size_t start = pos_;
    const auto digits = [&] {
        const std::size_t first = pos_;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            ++pos_;
        }
        return pos_ - first;
    };
    const auto at = [&](char c) { return pos_ < text_.size() && text_[pos_] == c; };
    if (at('-')) {
        ++pos_;
    }
    const bool leading_zero = at('0');
    const std::size_t whole = digits();
    if (whole == 0 || (leading_zero && whole > 1)) {
        fail(whole == 0 ? "unexpected character" : "a number with a leading zero");
    }
    if (at('.')) {
        ++pos_;
        if (digits() == 0) {
            fail("a number with no digits after '.'");
        }
    }
    if (at('e') || at('E')) {
        ++pos_;
        if (at('+') || at('-')) {
            ++pos_;
        }
        if (digits() == 0) {
            fail("a number with no digits in its exponent");
        }
    }
    return JsonValue::number(std::string(text_.substr(start, pos_ - start)));
}

std::string Reader::string() {
    ++pos_;  // '"'
    std::string out;
    while (true) {
        if (pos_ >= text_.size()) {
            fail("a string without its closing quote");
        }
        const auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte == '"') {
            ++pos_;
            return out;
        }
        if (byte == '\\') {
            escape(out);
            continue;
        }
        if (byte < 0x20) {
            fail("a control character inside a string (JSON needs it escaped)");
        }
        std::uint32_t code_point = 0;
        const std::size_t length = utf8_sequence(text_, pos_, code_point);
        if (length == 0) {
            fail("a string that is not valid UTF-8");
        }
        out.append(text_.substr(pos_, length));
        pos_ += length;
    }
}

std::uint32_t Reader::hex4() {
    if (pos_ + 4 > text_.size()) {
        fail("a \\u escape without four hex digits");
    }
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const char c = text_[pos_++];
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) {
            fail("a \\u escape without four hex digits");
        }
        value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return value;
}

// A lone surrogate has no UTF-8 form: it is refused rather than turned into something else.
void Reader::escape(std::string& out) {
    ++pos_;  // '\\'
    if (pos_ >= text_.size()) {
        fail("a string without its closing quote");
    }
    const char c = text_[pos_++];
    static constexpr std::string_view simple = "\"\\/bfnrt";
    static constexpr std::string_view meaning = "\"\\/\b\f\n\r\t";
    if (const std::size_t index = simple.find(c); index != std::string_view::npos) {
        out.push_back(meaning[index]);
        return;
    }
    if (c != 'u') {
        fail(std::string("an unknown escape \\") + (static_cast<unsigned char>(c) < 0x20 ? '?' : c));
    }
    std::uint32_t code_point = hex4();
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
        fail("a lone surrogate escape");
    }
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
        if (text_.substr(pos_, 2) != "\\u") {
            fail("a lone surrogate escape");
        }
        pos_ += 2;
        const std::uint32_t low = hex4();
        if (low < 0xDC00 || low > 0xDFFF) {
            fail("a lone surrogate escape");
        }
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, code_point);
}

void write_value(std::string& out, const JsonValue& value, std::size_t depth);

void new_line(std::string& out, std::size_t depth) {
    out += '\n';
    out.append(depth, '\t');
}

void write_object(std::string& out, const JsonValue& value, std::size_t depth) {
    if (value.members().empty()) {
        out += "{}";
        return;
    }
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.members()) {
        out += first ? "" : ",";
        first = false;
        new_line(out, depth + 1);
        out += json_quoted(key);
        out += ": ";
        write_value(out, member, depth + 1);
    }
    new_line(out, depth);
    out += '}';
}

void write_array(std::string& out, const JsonValue& value, std::size_t depth) {
    if (value.items().empty()) {
        out += "[]";
        return;
    }
    out += '[';
    bool first = true;
    for (const auto& item : value.items()) {
        out += first ? "" : ",";
        first = false;
        new_line(out, depth + 1);
        write_value(out, item, depth + 1);
    }
    new_line(out, depth);
    out += ']';
}

void write_value(std::string& out, const JsonValue& value, std::size_t depth) {
    switch (value.kind()) {
    case JsonKind::null:
        out += "null";
        break;
    case JsonKind::boolean:
    case JsonKind::number:
        out += value.text();
        break;
    case JsonKind::string:
        out += json_quoted(value.text());
        break;
    case JsonKind::array:
        write_array(out, value, depth);
        break;
    case JsonKind::object:
        write_object(out, value, depth);
        break;
    }
}

}  // namespace

JsonValue parse_json(std::string_view text, const std::string& display, const JsonLimits& limits) {
    return Reader(text, display, limits).document();
}

std::string serialise_json(const JsonValue& value) {
    std::string out;
    write_value(out, value, 0);
    out += '\n';
    return out;
}

std::string json_quoted(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (byte < 0x20) {
                out += "\\u00";
                out += hex[byte >> 4];
                out += hex[byte & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

}  // namespace mqpasswd
