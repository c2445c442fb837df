// Three small parsers. They are strict where a guess could set the wrong password (an unknown
// CSV column, a JSON value that is not a string) and lenient only about layout (blank lines,
// CRLF, '#' comments in the lines format).
#include "core/import_source.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/username.hpp"

#include <algorithm>
#include <unordered_map>

namespace mqpasswd {
namespace {

// A record whose fields are still being validated; `problem` set means the line is bad.
struct RawRecord {
    std::string username;
    Secret password;
    std::optional<Algorithm> hash;
    std::string problem;
};

// Splits the content into lines without their "\n" or "\r\n", numbering from 1.
template <typename Visit> void for_each_line(std::string_view content, Visit visit) {
    std::size_t number = 0;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        std::string_view line = content.substr(0, newline);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        visit(++number, line);
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    }
}

bool is_skippable(std::string_view line, ImportFormat format) {
    return trim(line).empty() || (format == ImportFormat::lines && line.front() == '#');
}

RawRecord parse_lines_record(std::string_view line) {
    RawRecord record;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        record.problem = "no ':' between username and password";
        return record;
    }
    record.username = line.substr(0, colon);
    record.password = Secret::copy_of(line.substr(colon + 1));  // a password may contain ':'
    return record;
}

// --- CSV (RFC 4180: quoted fields, "" inside quotes) ---------------------------------------

std::optional<std::vector<Secret>> split_csv(std::string_view line) {
    std::vector<Secret> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        Secret& field = fields.back();
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field.push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field.push_back(c);
            }
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '"' && field.empty()) {
            quoted = true;
        } else {
            field.push_back(c);
        }
    }
    if (quoted) {
        return std::nullopt;
    }
    return fields;
}

std::string text_of(const Secret& field) {
    return {field.bytes().begin(), field.bytes().end()};
}

struct CsvColumns {
    std::size_t username = 0;
    std::size_t password = 0;
    std::optional<std::size_t> hash;
    std::size_t count = 0;
};

std::optional<CsvColumns> csv_header(std::string_view line) {
    const auto fields = split_csv(line);
    if (!fields) {
        return std::nullopt;
    }
    CsvColumns columns;
    bool has_user = false;
    bool has_password = false;
    columns.count = fields->size();
    for (std::size_t i = 0; i < fields->size(); ++i) {
        const std::string name(trim(text_of((*fields)[i])));
        if (name == "username") {
            columns.username = i;
            has_user = true;
        } else if (name == "password") {
            columns.password = i;
            has_password = true;
        } else if (name == "hash") {
            columns.hash = i;
        } else {
            return std::nullopt;  // an unknown column might be the real password: refuse to guess
        }
    }
    return has_user && has_password ? std::optional(columns) : std::nullopt;
}

RawRecord parse_csv_record(std::string_view line, const CsvColumns& columns) {
    RawRecord record;
    auto fields = split_csv(line);
    if (!fields) {
        record.problem = "unterminated quoted field";
        return record;
    }
    if (fields->size() != columns.count) {
        record.problem =
            "expected " + std::to_string(columns.count) + " fields, found " + std::to_string(fields->size());
        return record;
    }
    record.username = text_of((*fields)[columns.username]);
    record.password = std::move((*fields)[columns.password]);
    if (columns.hash) {
        const std::string name = text_of((*fields)[*columns.hash]);
        if (!name.empty() && !(record.hash = algorithm_from_name(name))) {
            record.problem = "unknown hash '" + name + "'";
        }
    }
    return record;
}

// --- JSON Lines: one flat object per line with string values --------------------------------

class JsonLine {
public:
    explicit JsonLine(std::string_view text) : text_(text) {}

    // Fills username/password/hash; returns a problem or "".
    std::string parse(RawRecord& record) {
        skip_space();
        if (!take('{')) {
            return "not a JSON object";
        }
        for (bool first = true;; first = false) {
            skip_space();
            if (take('}')) {
                break;
            }
            if (!first) {
                if (!take(',')) {
                    return "expected ',' or '}'";
                }
                skip_space();
            }
            Secret key;
            Secret value;
            if (!string_value(key) || (skip_space(), !take(':')) || (skip_space(), !string_value(value))) {
                return "expected \"key\": \"string value\"";
            }
            skip_space();
            if (std::string problem = assign(text_of(key), std::move(value), record); !problem.empty()) {
                return problem;
            }
        }
        skip_space();
        return pos_ == text_.size() ? "" : "text after the JSON object";
    }

private:
    static std::string assign(const std::string& key, Secret value, RawRecord& record) {
        if (key == "username") {
            record.username = text_of(value);
        } else if (key == "password") {
            record.password = std::move(value);
        } else if (key == "hash") {
            const std::string name = text_of(value);
            if (!(record.hash = algorithm_from_name(name))) {
                return "unknown hash '" + name + "'";
            }
        } else {
            return "unknown key '" + key + "'";
        }
        return {};
    }

    void skip_space() {
        while (pos_ < text_.size() && is_blank(text_[pos_])) {
            ++pos_;
        }
    }
    bool take(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    bool hex4(unsigned& value) {
        value = 0;
        for (int i = 0; i < 4; ++i, ++pos_) {
            if (pos_ >= text_.size()) {
                return false;
            }
            const char c = text_[pos_];
            const int digit = c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
            if (digit < 0) {
                return false;
            }
            value = value * 16 + static_cast<unsigned>(digit);
        }
        return true;
    }
    static void put_utf8(Secret& out, unsigned code_point) {
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
    bool escape(Secret& out) {
        if (pos_ >= text_.size()) {
            return false;
        }
        const char c = text_[pos_++];
        static constexpr std::string_view from = "\"\\/bfnrt";
        static constexpr std::string_view to = "\"\\/\b\f\n\r\t";
        if (const auto at = from.find(c); at != std::string_view::npos) {
            out.push_back(to[at]);
            return true;
        }
        unsigned code_point = 0;
        if (c != 'u' || !hex4(code_point)) {
            return false;
        }
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {  // a surrogate pair
            unsigned low = 0;
            if (!take('\\') || !take('u') || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                return false;
            }
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        }
        put_utf8(out, code_point);
        return true;
    }
    bool string_value(Secret& out) {
        if (!take('"')) {
            return false;
        }
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '"') {
                return true;
            }
            if (c == '\\' ? !escape(out) : (static_cast<unsigned char>(c) < 0x20)) {
                return false;
            }
            if (c != '\\') {
                out.push_back(c);
            }
        }
        return false;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

// The reason a parsed record cannot be imported, or "".
std::string record_problem(const RawRecord& record) {
    if (!record.problem.empty()) {
        return record.problem;
    }
    if (const auto problem = username_problem(record.username)) {
        return *problem;
    }
    if (const auto problem = password_problem(record.password)) {
        return "user '" + record.username + "': " + *problem;
    }
    return {};
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
    return std::nullopt;
}

ImportFormat guess_import_format(std::string_view content, const std::string& source_name) {
    std::optional<ImportFormat> guess;
    bool decided = false;
    std::size_t at = 0;
    for_each_line(content, [&](std::size_t number, std::string_view line) {
        if (decided || is_skippable(line, ImportFormat::lines)) {
            return;
        }
        decided = true;
        at = number;
        if (trim(line).front() == '{') {
            guess = ImportFormat::jsonl;
        } else if (csv_header(line)) {
            guess = ImportFormat::csv;
        } else if (line.find(':') != std::string_view::npos) {
            guess = ImportFormat::lines;
        }
    });
    if (!decided) {
        throw Error(ExitCode::failure, "no records to import", source_name);
    }
    if (!guess) {
        throw Error(ExitCode::failure,
                    "cannot tell the format (not user:password, a CSV header username,password, or JSON); "
                    "use --format",
                    source_name, at);
    }
    return *guess;
}

ImportBatch parse_import(std::string_view content, std::optional<ImportFormat> format, const std::string& source_name,
                         bool skip_invalid) {
    ImportBatch batch;
    batch.format = format ? *format : guess_import_format(content, source_name);
    std::optional<CsvColumns> columns;
    // Reserved up front, so records never move and the duplicate index can point into them.
    const auto lines = static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n')) + 1;
    batch.records.reserve(lines);
    std::unordered_map<std::string_view, std::size_t> first_line;  // username -> line
    first_line.reserve(lines);
    for_each_line(content, [&](std::size_t number, std::string_view line) {
        if (is_skippable(line, batch.format)) {
            return;
        }
        if (batch.format == ImportFormat::csv && !columns) {
            columns = csv_header(line);
            if (!columns) {
                throw Error(ExitCode::failure, "the CSV header must name username and password (and optionally hash)",
                            source_name, number);
            }
            return;
        }
        RawRecord record;
        if (batch.format == ImportFormat::lines) {
            record = parse_lines_record(line);
        } else if (batch.format == ImportFormat::csv) {
            record = parse_csv_record(line, *columns);
        } else {
            record.problem = JsonLine(line).parse(record);
        }
        std::string problem = record_problem(record);
        if (problem.empty()) {
            batch.records.push_back({std::move(record.username), std::move(record.password), record.hash, number});
            const auto [it, inserted] = first_line.emplace(batch.records.back().username, number);
            if (!inserted) {
                problem = "user '" + batch.records.back().username + "' given twice (first at line " +
                          std::to_string(it->second) + ")";
                batch.records.pop_back();
            }
        }
        if (!problem.empty()) {
            if (!skip_invalid) {
                throw Error(ExitCode::failure, problem, source_name, number);
            }
            batch.skipped.push_back({number, std::move(problem)});
        }
    });
    return batch;
}

}  // namespace mqpasswd
