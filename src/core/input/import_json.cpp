// JSON for import: a small reader that keeps line numbers, takes username, password and hash only
// as strings (a number is never guessed into a password) and skips any other key, to a fixed depth.
#include "core/input/import_json.hpp"

#include "core/quote.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <string>

namespace mqpasswd::import_detail {
namespace {

struct JsonSyntaxError {
    std::size_t line;
    std::string message;
};

constexpr int max_json_depth = 64;  // deeper input is an attack on the stack, not a user list

enum class JsonField : unsigned { username, password, hash, other };

JsonField json_field(std::string_view key) {
    return key == "username"   ? JsonField::username
           : key == "password" ? JsonField::password
           : key == "hash"     ? JsonField::hash
                               : JsonField::other;
}

std::string_view json_field_name(JsonField field) {
    return field == JsonField::username ? "username" : field == JsonField::password ? "password" : "hash";
}

// What a value that is not a string is, named from its first byte (it is checked right after).
std::string_view json_kind(char first) {
    switch (first) {
    case '{':
        return "an object";
    case '[':
        return "an array";
    case 't':
        return "true";
    case 'f':
        return "false";
    case 'n':
        return "null";
    default:
        return "a number";
    }
}

// A recursive-descent reader that keeps the line number. Raw line breaks can only occur between
// tokens (never inside a JSON string), so only skip_space() counts them.
class JsonReader {
public:
    explicit JsonReader(std::string_view text) : text_(text) {}

    [[nodiscard]] std::size_t line() const noexcept { return line_; }
    [[nodiscard]] bool at_end() const noexcept { return pos_ == text_.size(); }
    void skip_space();
    bool take(char c);
    void expect(char c, const char* message) {
        if (!take(c)) {
            fail(message);
        }
    }
    [[noreturn]] void fail(std::string message) const { throw JsonSyntaxError{line_, std::move(message)}; }

    // One object, at nesting depth `depth`: its username, password and hash go into `record`.
    void record(RawRecord& record, int depth);
    // After a syntax error in a stream: on to the next line that starts with '{'; false if none.
    bool resync();

private:
    void member(RawRecord& record, int depth);
    void string_into(Secret* out);
    void escape_into(Secret* out);
    unsigned hex4();
    void skip_value(int depth);
    void skip_container(char close, int depth);
    void skip_number();
    [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : text_[pos_]; }
    [[nodiscard]] bool take_digits();

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

void JsonReader::skip_space() {
    for (; pos_ < text_.size(); ++pos_) {
        const char c = text_[pos_];
        if (c == '\n') {
            ++line_;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
    }
}

bool JsonReader::take(char c) {
    if (peek() != c || at_end()) {
        return false;
    }
    ++pos_;
    return true;
}

void JsonReader::record(RawRecord& record, int depth) {
    expect('{', "expected '{'");
    skip_space();
    if (take('}')) {
        return;
    }
    do {
        skip_space();
        member(record, depth);
        skip_space();
    } while (take(','));
    expect('}', "expected ',' or '}'");
}

void assign_json_field(JsonField field, Secret value, std::size_t line, RawRecord& record) {
    switch (field) {
    case JsonField::username:
        record.username = text_of(value);
        record.username_line = line;
        break;
    case JsonField::password:
        record.password = std::move(value);  // straight from the parser into a Secret
        record.has_password = true;
        record.password_line = line;
        break;
    default:  // hash; "" is no override, as an empty CSV cell is
        if (!value.empty() && !(record.hash = hash_named(value.text()))) {
            record.note(line, "field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
        }
    }
}

void JsonReader::member(RawRecord& record, int depth) {
    if (peek() != '"') {
        fail("expected a key in double quotes");
    }
    Secret key;
    string_into(&key);
    skip_space();
    expect(':', "expected ':'");
    skip_space();
    const JsonField field = json_field(key.text());
    if (field == JsonField::other) {
        skip_value(depth);  // a column we do not use, whatever its type
        return;
    }
    const std::string name(json_field_name(field));
    const unsigned bit = 1U << static_cast<unsigned>(field);
    const bool twice = (record.seen & bit) != 0;
    record.seen |= bit;
    if (twice) {
        record.note(line_, "field '" + name + "' given twice");
        record.nameless = record.nameless || field == JsonField::username;  // which name is meant?
    } else if (peek() != '"') {
        record.note(line_, "field '" + name + "' must be a string, not " + std::string(json_kind(peek())));
    } else {
        Secret value;
        const std::size_t line = line_;
        string_into(&value);
        assign_json_field(field, std::move(value), line, record);
        return;
    }
    skip_value(depth);
}

unsigned JsonReader::hex4() {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
        const char c = peek();
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) {
            fail("invalid escape in a string");
        }
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return value;
}

// After a backslash, which string_into() made sure is not the last byte.
void JsonReader::escape_into(Secret* out) {
    static constexpr std::string_view from = "\"\\/bfnrt";
    static constexpr std::string_view to = "\"\\/\b\f\n\r\t";
    const char c = text_[pos_++];
    if (const auto at = from.find(c); at != std::string_view::npos) {
        if (out != nullptr) {
            out->push_back(to[at]);
        }
        return;
    }
    if (c != 'u') {
        fail("invalid escape in a string");
    }
    unsigned code_point = hex4();
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {  // a surrogate pair
        const unsigned low = take('\\') && take('u') ? hex4() : 0;
        if (low < 0xDC00 || low > 0xDFFF) {
            fail("invalid escape in a string");
        }
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {  // a lone low surrogate is not UTF-8
        fail("invalid escape in a string");
    }
    if (out != nullptr) {
        append_utf8(*out, code_point);
    }
}

// Reads a string (at its opening quote) into `out`, or only checks it when `out` is null.
void JsonReader::string_into(Secret* out) {
    ++pos_;
    while (!at_end()) {
        const char c = text_[pos_];
        if (c == '"') {
            ++pos_;
            return;
        }
        if (c == '\n') {
            break;
        }
        if (static_cast<unsigned char>(c) < 0x20) {
            fail("control character in a string");
        }
        ++pos_;
        if (c == '\\' && at_end()) {
            break;
        }
        if (c == '\\') {
            escape_into(out);
        } else if (out != nullptr) {
            out->push_back(c);
        }
    }
    fail("unterminated string");
}

bool JsonReader::take_digits() {
    const std::size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') {
        ++pos_;
    }
    return pos_ > start;
}

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
void JsonReader::skip_number() {
    (void)take('-');
    const bool leading_zero = peek() == '0';
    const std::size_t start = pos_;
    if (!take_digits() || (leading_zero && pos_ - start > 1)) {
        fail("invalid number");
    }
    if (take('.') && !take_digits()) {
        fail("invalid number");
    }
    if (take('e') || take('E')) {
        (void)(take('+') || take('-'));
        if (!take_digits()) {
            fail("invalid number");
        }
    }
}

// Recursive, but never deeper than max_json_depth.
void JsonReader::skip_value(int depth) {  // NOLINT(misc-no-recursion)
    const char c = peek();
    if (c == '"') {
        string_into(nullptr);
    } else if (c == '{' || c == '[') {
        if (depth >= max_json_depth) {
            fail("nesting deeper than " + std::to_string(max_json_depth) + " levels");
        }
        ++pos_;
        skip_container(c == '{' ? '}' : ']', depth + 1);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        skip_number();
    } else {
        for (const std::string_view literal : {"true", "false", "null"}) {
            if (text_.substr(pos_).starts_with(literal)) {
                pos_ += literal.size();
                return;
            }
        }
        fail("expected a JSON value");
    }
}

// The rest of an object or array we do not use, after its opening bracket.
void JsonReader::skip_container(char close, int depth) {  // NOLINT(misc-no-recursion)
    skip_space();
    if (take(close)) {
        return;
    }
    do {
        skip_space();
        if (close == '}') {
            if (peek() != '"') {
                fail("expected a key in double quotes");
            }
            string_into(nullptr);
            skip_space();
            expect(':', "expected ':'");
            skip_space();
        }
        skip_value(depth);
        skip_space();
    } while (take(','));
    expect(close, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

bool JsonReader::resync() {
    // jq prints each top-level object from column 0 and indents everything inside it, and JSON
    // Lines has one object per line; a '{' at a line's start is where the next record begins.
    const bool here = peek() == '{' && (pos_ == 0 || text_[pos_ - 1] == '\n');
    const std::size_t next = here ? pos_ : text_.find("\n{", pos_);
    if (next == std::string_view::npos) {
        pos_ = text_.size();
        return false;
    }
    const std::size_t target = here ? pos_ : next + 1;
    line_ += static_cast<std::size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                                 text_.begin() + static_cast<std::ptrdiff_t>(target), '\n'));
    pos_ = target;
    return true;
}

}  // namespace

void parse_json_stream(std::string_view content, BatchBuilder& out) {
    JsonReader reader(content);
    for (reader.skip_space(); !reader.at_end(); reader.skip_space()) {
        RawRecord record;
        record.line = reader.line();
        try {
            reader.record(record, 1);
        } catch (const JsonSyntaxError& error) {
            if (!out.reject(error.line, error.message, std::nullopt) || !reader.resync()) {
                return;
            }
            continue;
        }
        if (!out.add(std::move(record))) {
            return;
        }
    }
}

void parse_json_array(std::string_view content, BatchBuilder& out) {
    JsonReader reader(content);
    try {
        reader.skip_space();
        if (reader.at_end()) {
            return;  // an empty source: no records
        }
        reader.expect('[', "expected '['");
        reader.skip_space();
        if (!reader.take(']')) {
            do {
                reader.skip_space();
                RawRecord record;
                record.line = reader.line();
                reader.record(record, 2);
                if (!out.add(std::move(record))) {
                    return;
                }
                reader.skip_space();
            } while (reader.take(','));
            reader.expect(']', "expected ',' or ']'");
        }
        reader.skip_space();
        if (!reader.at_end()) {
            reader.fail("text after the JSON array");
        }
    } catch (const JsonSyntaxError& error) {
        out.stop(error.line, error.message);
    }
}

}  // namespace mqpasswd::import_detail
