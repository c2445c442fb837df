// Four small parsers (lines, CSV, JSON Lines, a JSON array) feeding one validator. They are strict
// where a guess could set the wrong password (a stray quote in CSV, a password that is not a JSON
// string) and lenient only about layout (a BOM, blank lines, CRLF, columns and keys we do not use).
#include "core/import_source.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/text.hpp"
#include "core/username.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace mqpasswd {
namespace {

// A record whose fields are still being validated. Which fields were found matters as much as
// their values: a skipped record that names its user keeps that user safe from --prune.
struct RawRecord {
    std::size_t line = 0;                 // where the record starts
    std::optional<std::string> username;  // set once the username field is located
    bool has_password = false;
    Secret password;
    std::optional<Algorithm> hash;
    std::string problem;  // the first problem found while parsing, or ""
    std::size_t problem_line = 0;
    std::size_t username_line = 0;  // JSON: where each value is (a pretty-printed object spans lines)
    std::size_t password_line = 0;
    bool nameless = false;  // the username field is there but cannot be trusted (given twice, a stray quote)
    unsigned seen = 0;      // JSON: the known keys met so far, one bit each

    void note(std::size_t at, std::string text) {
        if (problem.empty()) {
            problem = std::move(text);
            problem_line = at;
        }
    }
};

std::string text_of(const Secret& field) {
    return std::string(field.text());
}

std::string_view without_bom(std::string_view content) {
    // Excel's "CSV UTF-8" and Notepad start files with one; it belongs to no field.
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (content.starts_with(bom)) {
        content.remove_prefix(bom.size());
    }
    return content;
}

// Splits the content into lines without their "\n" or "\r\n", numbering from 1, until `visit`
// returns false.
template <typename Visit> void for_each_line(std::string_view content, Visit visit) {
    std::size_t number = 0;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        std::string_view line = content.substr(0, newline);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (!visit(++number, line)) {
            return;
        }
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    }
}

bool is_blank_or_comment(std::string_view line) {
    return trim(line).empty() || line.front() == '#';
}

// --- Collecting: records, skipped records, the first problem, duplicates --------------------

class BatchBuilder {
public:
    BatchBuilder(ImportBatch& batch, const std::string& source_name, bool skip_invalid)
        : batch_(batch), source_name_(source_name), skip_invalid_(skip_invalid) {}

    [[nodiscard]] const std::string& source_name() const noexcept { return source_name_; }

    // Validates and keeps a record; false means stop parsing (the first problem, without skip_invalid).
    [[nodiscard]] bool add(RawRecord record);

    // A record that cannot be imported; false means stop parsing.
    [[nodiscard]] bool reject(std::size_t line, std::string reason, std::optional<std::string> username) {
        if (!skip_invalid_) {
            stop(line, std::move(reason));
            return false;
        }
        batch_.skipped.push_back({line, std::move(reason), std::move(username)});
        return true;
    }

    // A problem after which nothing more can be read, even with skip_invalid.
    void stop(std::size_t line, std::string reason) {
        stopped_ = SkippedRecord{line, std::move(reason), std::nullopt};
        fatal_ = skip_invalid_;
    }

    // Throws the first problem, or when nothing is left to import; drops users given twice.
    void finish();

private:
    void drop_duplicates();
    [[noreturn]] void fail(const SkippedRecord& problem) const {
        throw Error(ExitCode::failure, problem.reason, source_name_, problem.line);
    }

    ImportBatch& batch_;
    const std::string& source_name_;
    bool skip_invalid_;
    std::optional<SkippedRecord> stopped_;
    bool fatal_ = false;  // stopped_ holds a syntax error that --skip-invalid cannot skip
};

// The reason a parsed record cannot be imported and the line to report it at, or "".
std::pair<std::string, std::size_t> record_problem(const RawRecord& record) {
    const auto at = [&](std::size_t line) { return line != 0 ? line : record.line; };
    if (!record.problem.empty()) {
        return {record.problem, at(record.problem_line)};
    }
    if (!record.username) {
        return {"field 'username' is missing", record.line};
    }
    if (!record.has_password) {
        return {"field 'password' is missing", record.line};
    }
    if (auto problem = username_problem(*record.username)) {
        return {std::move(*problem), at(record.username_line)};
    }
    if (const auto problem = password_problem(record.password)) {
        return {"user " + quoted_name(*record.username) + ": " + *problem, at(record.password_line)};
    }
    // A password that is itself a Mosquitto hash: the source is most likely a password file (a
    // swapped argument, `import PW PW`), and importing it would lock every user out.
    const HashKind kind = inspect_hash(record.password.text()).kind;
    if (kind == HashKind::sha512 || kind == HashKind::sha512_pbkdf2 || kind == HashKind::argon2id) {
        return {"user " + quoted_name(*record.username) +
                    ": the password is a Mosquitto password hash; is this a password file? import takes passwords",
                at(record.password_line)};
    }
    return {};
}

bool BatchBuilder::add(RawRecord record) {
    auto [problem, line] = record_problem(record);
    if (problem.empty()) {
        batch_.records.push_back({std::move(*record.username), std::move(record.password), record.hash, record.line});
        return true;
    }
    if (record.nameless) {
        record.username.reset();
    }
    return reject(line, std::move(problem), std::move(record.username));
}

// Runs over the finished vector, so nothing is sized by the number of lines: a source of 256 MiB
// of newlines costs no more than its one record. The second occurrence is the one refused.
void BatchBuilder::drop_duplicates() {
    std::vector<ImportRecord>& records = batch_.records;
    std::vector<std::size_t> duplicates;
    {
        std::unordered_map<std::string_view, std::size_t> first;  // username -> index; views into `records`
        first.reserve(records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            const auto [it, inserted] = first.emplace(records[i].username, i);
            if (inserted) {
                continue;
            }
            SkippedRecord twice{records[i].line,
                                "user " + quoted_name(records[i].username) + " given twice (first at line " +
                                    std::to_string(records[it->second].line) + ")",
                                records[i].username};
            if (!skip_invalid_) {
                fail(twice);  // records come before any stored problem, so this one is the first
            }
            batch_.skipped.push_back(std::move(twice));
            duplicates.push_back(i);
        }
    }  // the views die before the records move
    std::size_t kept = 0;
    for (std::size_t i = 0, next = 0; i < records.size(); ++i) {
        if (next < duplicates.size() && duplicates[next] == i) {
            ++next;
        } else if (kept++ != i) {
            records[kept - 1] = std::move(records[i]);
        }
    }
    records.erase(records.begin() + static_cast<std::ptrdiff_t>(kept), records.end());
}

void BatchBuilder::finish() {
    if (stopped_ && fatal_) {
        fail(*stopped_);
    }
    drop_duplicates();
    if (stopped_) {
        fail(*stopped_);
    }
    std::stable_sort(batch_.skipped.begin(), batch_.skipped.end(),
                     [](const SkippedRecord& a, const SkippedRecord& b) { return a.line < b.line; });
    // The caller relies on this: an empty source must never reach --prune.
    if (batch_.records.empty() && batch_.skipped.empty()) {
        throw Error(ExitCode::failure, "no records to import", source_name_);
    }
    if (batch_.records.empty()) {
        throw Error(ExitCode::failure,
                    "no valid records to import (" + std::to_string(batch_.skipped.size()) + " skipped)", source_name_);
    }
}

// --- user:password lines ------------------------------------------------------------------

void parse_lines(std::string_view content, BatchBuilder& out) {
    for_each_line(content, [&](std::size_t number, std::string_view line) {
        if (is_blank_or_comment(line)) {
            return true;
        }
        RawRecord record;
        record.line = number;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            return out.reject(number, "no ':' between username and password", std::nullopt);
        }
        record.username = std::string(line.substr(0, colon));
        record.password = Secret::copy_of(line.substr(colon + 1));  // a password may contain ':'
        record.has_password = true;
        return out.add(std::move(record));
    });
}

// --- CSV (RFC 4180: quoted fields with "", delimiters and line breaks inside quotes) ----------

struct CsvCursor {
    std::string_view text;
    std::size_t pos = 0;
    std::size_t line = 1;
};

struct CsvRow {
    std::size_t count = 0;  // fields in the row
    bool unterminated = false;
    std::optional<std::size_t> bad_field;  // the first field with a quote out of place
    const char* bad_what = nullptr;
};

// Inside quotes: takes one byte, or an escaped ""; false at the closing quote.
bool take_quoted(CsvCursor& at, Secret& field) {
    const char c = at.text[at.pos++];
    if (c != '"') {
        at.line += c == '\n' ? 1 : 0;
        field.push_back(c);
        return true;
    }
    if (at.pos < at.text.size() && at.text[at.pos] == '"') {
        field.push_back('"');
        ++at.pos;
        return true;
    }
    return false;
}

bool at_record_end(const CsvCursor& at) {
    const char c = at.text[at.pos];
    return c == '\n' || (c == '\r' && (at.pos + 1 == at.text.size() || at.text[at.pos + 1] == '\n'));
}

// Reads one record, handing each finished field to `visit(index, field)`. Fields are not kept: a
// line of a million commas costs a counter, not a million buffers.
template <typename Visit> CsvRow read_csv_row(CsvCursor& at, char delimiter, Visit visit) {
    CsvRow row;
    Secret field;
    bool quoted = false;
    bool field_start = true;
    bool closed = false;  // this field's closing quote has been seen
    while (at.pos < at.text.size()) {
        if (quoted) {
            quoted = take_quoted(at, field);
            closed = !quoted;
            continue;
        }
        if (at_record_end(at)) {
            break;
        }
        const char c = at.text[at.pos++];
        if (c == delimiter) {
            visit(row.count++, field);
            field.clear();
            field_start = true;
            closed = false;
            continue;
        }
        if (c == '"' && field_start) {
            quoted = true;
        } else if ((closed || c == '"') && !row.bad_field) {
            // `"ab"cd` and `ab"cd` are not RFC 4180; every reader makes something different of them
            row.bad_field = row.count;
            row.bad_what = closed ? "text after the closing quote" : "'\"' inside an unquoted field";
        }
        field_start = false;
        if (!quoted) {
            field.push_back(c);
        }
    }
    row.unterminated = quoted;
    visit(row.count++, field);
    at.pos += at.pos < at.text.size() && at.text[at.pos] == '\r' ? 1 : 0;
    if (at.pos < at.text.size() && at.text[at.pos] == '\n') {
        ++at.pos;
        ++at.line;
    }
    return row;
}

// Moves past blank lines; false at the end of the content.
bool skip_blank_lines(CsvCursor& at) {
    while (at.pos < at.text.size()) {
        const std::size_t newline = at.text.find('\n', at.pos);
        const std::size_t end = newline == std::string_view::npos ? at.text.size() : newline;
        if (!trim(at.text.substr(at.pos, end - at.pos)).empty()) {
            return true;
        }
        at.pos = newline == std::string_view::npos ? end : end + 1;
        at.line += newline == std::string_view::npos ? 0 : 1;
    }
    return false;
}

struct CsvColumns {
    char delimiter = ',';
    std::optional<std::size_t> username;
    std::optional<std::size_t> password;
    std::optional<std::size_t> hash;
    std::size_t count = 0;
    std::vector<std::string> labels;  // for messages; only the first columns, so a huge header stays cheap
    std::string twice;                // a known column named twice
};

constexpr std::size_t labelled_columns = 256;

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return lower;
}

void name_column(CsvColumns& columns, std::size_t index, const Secret& field) {
    const std::string name = lowercase(trim(field.text()));
    std::optional<std::size_t>* known = name == "username"   ? &columns.username
                                        : name == "password" ? &columns.password
                                        : name == "hash"     ? &columns.hash
                                                             : nullptr;
    if (known != nullptr && *known && columns.twice.empty()) {
        columns.twice = name;
    } else if (known != nullptr) {
        *known = index;
    }
    if (index < labelled_columns) {
        columns.labels.push_back(known != nullptr ? name : std::string(trim(field.text())));
    }
}

// The header read with one delimiter, if it then names username and password. Other columns are
// fine: the password column is named, so no guess is involved.
std::optional<CsvColumns> csv_header_with(CsvCursor& at, char delimiter) {
    CsvColumns columns;
    columns.delimiter = delimiter;
    const CsvRow row = read_csv_row(
        at, delimiter, [&](std::size_t index, const Secret& field) { name_column(columns, index, field); });
    columns.count = row.count;
    if (row.unterminated || !columns.username || !columns.password) {
        return std::nullopt;
    }
    return columns;
}

// ',' first, then ';' (Excel where ',' is the decimal mark), then a tab: the first that splits the
// header into fields naming both username and password. `at` moves past the header when one fits.
std::optional<CsvColumns> csv_header(CsvCursor& at) {
    for (const char delimiter : {',', ';', '\t'}) {
        CsvCursor trial = at;
        if (auto columns = csv_header_with(trial, delimiter)) {
            at = trial;
            return columns;
        }
    }
    return std::nullopt;
}

// A hash column's value as people type it: `SHA512`, ` sha512-pbkdf2 ` are the names they mean.
std::optional<Algorithm> hash_named(std::string_view text) {
    return algorithm_from_name(lowercase(trim(text)));
}

std::string column_label(const CsvColumns& columns, std::size_t index) {
    if (index >= columns.labels.size() || columns.labels[index].empty()) {
        return "column " + std::to_string(index + 1);
    }
    return "field " + quoted_name(columns.labels[index]);
}

RawRecord csv_record(CsvCursor& at, const CsvColumns& columns) {
    RawRecord record;
    record.line = at.line;
    Secret username;
    std::string hash;
    const CsvRow row = read_csv_row(at, columns.delimiter, [&](std::size_t index, Secret& field) {
        if (index == columns.username) {
            username = std::move(field);
        } else if (index == columns.password) {
            record.password = std::move(field);
        } else if (index == columns.hash) {
            hash = text_of(field);
        }
    });
    if (row.unterminated) {
        record.problem = "unterminated quoted field";
        return record;
    }
    if (row.count != columns.count) {
        record.problem = "expected " + std::to_string(columns.count) + " fields, found " + std::to_string(row.count);
        return record;
    }
    record.username = text_of(username);
    record.has_password = true;
    record.nameless = row.bad_field && row.bad_field == columns.username;
    if (row.bad_field) {
        record.note(record.line, column_label(columns, *row.bad_field) + ": " + row.bad_what);
    } else if (!hash.empty() && !(record.hash = hash_named(hash))) {
        record.note(record.line, "field 'hash': unknown hash " + quoted_name(hash));
    }
    return record;
}

void parse_csv(std::string_view content, BatchBuilder& out) {
    CsvCursor at{content};
    if (!skip_blank_lines(at)) {
        return;
    }
    const std::size_t header_line = at.line;
    const std::optional<CsvColumns> columns = csv_header(at);
    if (!columns) {
        throw Error(ExitCode::failure, "the CSV header must name username and password (and optionally hash)",
                    out.source_name(), header_line);
    }
    if (!columns->twice.empty()) {
        throw Error(ExitCode::failure, "the CSV header names the column '" + columns->twice + "' twice",
                    out.source_name(), header_line);
    }
    while (skip_blank_lines(at)) {
        if (!out.add(csv_record(at, *columns))) {
            return;
        }
    }
}

// --- JSON: a stream of objects (jsonl) or one array of them (json) ----------------------------

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

void put_utf8(Secret& out, unsigned code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
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
            record.note(line, "field 'hash': unknown hash " + quoted_name(value.text()));
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
        put_utf8(*out, code_point);
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

// JSON Lines, or objects as `jq '.[]'` and `jq -c '.[]'` print them. A syntax error is one skipped
// record with --skip-invalid: reading goes on at the next object.
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

// One array of objects, as `jq` and `jq -c` print one. Inside an array a syntax error leaves no
// place to start again, so it stops the import even with --skip-invalid.
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

// --- Guessing -----------------------------------------------------------------------------

bool is_csv_header(std::string_view line) {
    CsvCursor at{line};
    return csv_header(at).has_value();
}

// `user:password`, and nothing a CSV record or a JSON key could also be.
bool looks_like_lines(std::string_view line) {
    const std::size_t colon = line.find(':');
    return colon != std::string_view::npos && !line.starts_with('"') &&
           line.substr(0, colon).find_first_of(",;\t\"") == std::string_view::npos;
}

// Decides from the first line that is not blank or a comment, and only when just one format fits.
ImportFormat guess_format(std::string_view content, const std::string& source_name) {
    std::string_view first;
    std::size_t at = 0;
    bool comment_before = false;  // only the lines format has comments
    for_each_line(content, [&](std::size_t number, std::string_view line) {
        if (is_blank_or_comment(line)) {
            comment_before = comment_before || !trim(line).empty();
            return true;
        }
        first = line;
        at = number;
        return false;
    });
    if (at == 0) {
        throw Error(ExitCode::failure, "no records to import", source_name);
    }
    const char start = trim(first).front();
    if (comment_before && (start == '[' || start == '{' || is_csv_header(first))) {
        throw Error(ExitCode::failure,
                    "a '#' comment comes before this record, and only the lines format has comments; use --format",
                    source_name, at);
    }
    if (start == '[') {
        throw Error(ExitCode::failure, "this looks like a JSON array; use --format=json", source_name, at);
    }
    if (start == '{') {
        return ImportFormat::jsonl;
    }
    const bool csv = is_csv_header(first);
    if (csv != looks_like_lines(first)) {  // `x:y,username,password` would be both: refuse it
        return csv ? ImportFormat::csv : ImportFormat::lines;
    }
    throw Error(ExitCode::failure,
                "cannot tell the format (not user:password, a CSV header username,password, or JSON); use --format",
                source_name, at);
}

}  // namespace

std::optional<ImportFormat> import_format_from_name(std::string_view name) noexcept {
    if (name == "lines") {
        return ImportFormat::lines;
    }
    if (name == "csv") {
        return ImportFormat::csv;
    }
    if (name == "jsonl") {
        return ImportFormat::jsonl;
    }
    if (name == "json") {
        return ImportFormat::json;
    }
    return std::nullopt;
}

ImportFormat guess_import_format(std::string_view content, const std::string& source_name) {
    return guess_format(without_bom(content), source_name);
}

ImportBatch parse_import(std::string_view content, std::optional<ImportFormat> format, const std::string& source_name,
                         bool skip_invalid) {
    content = without_bom(content);
    ImportBatch batch;
    batch.guessed = !format;
    batch.format = format ? *format : guess_format(content, source_name);
    BatchBuilder out(batch, source_name, skip_invalid);
    switch (batch.format) {
    case ImportFormat::lines:
        parse_lines(content, out);
        break;
    case ImportFormat::csv:
        parse_csv(content, out);
        break;
    case ImportFormat::jsonl:
        parse_json_stream(content, out);
        break;
    case ImportFormat::json:
        parse_json_array(content, out);
        break;
    }
    out.finish();
    return batch;
}

}  // namespace mqpasswd
