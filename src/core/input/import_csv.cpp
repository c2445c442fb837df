// CSV (RFC 4180: quoted fields with "", delimiters and line breaks inside quotes). Strict about a
// stray quote, which every reader reads differently, and lenient about columns we do not use.
#include "core/input/import_csv.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/text.hpp"

#include <vector>

namespace mqpasswd::import_detail {
namespace {

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

// Moves past the line break that ended a record (at_record_end), if any: "\r\n", "\n" or a last "\r".
void skip_record_end(CsvCursor& at) {
    at.pos += at.pos < at.text.size() && at.text[at.pos] == '\r' ? 1 : 0;
    if (at.pos < at.text.size() && at.text[at.pos] == '\n') {
        ++at.pos;
        ++at.line;
    }
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
    skip_record_end(at);
    return row;
}

// Moves past blank lines, and the rows of nothing but delimiters that spreadsheets export after the
// last record (`,,,`); false at the end of the content.
bool skip_blank_lines(CsvCursor& at) {
    while (at.pos < at.text.size()) {
        const std::size_t newline = at.text.find('\n', at.pos);
        const std::size_t end = newline == std::string_view::npos ? at.text.size() : newline;
        const std::string_view line = trim(at.text.substr(at.pos, end - at.pos));
        if (line.find_first_not_of(",;\t") != std::string_view::npos) {
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
        record.note(record.line, "field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
    }
    return record;
}

}  // namespace

void parse_csv(std::string_view content, BatchBuilder& out) {
    CsvCursor at{content};
    if (!skip_blank_lines(at)) {
        return;
    }
    // Excel's `sep=;` line names the delimiter, which the header shows anyway.
    if (at.text.substr(at.pos).starts_with("sep=")) {
        const std::size_t newline = at.text.find('\n', at.pos);
        at.pos = newline == std::string_view::npos ? at.text.size() : newline + 1;
        ++at.line;
        if (!skip_blank_lines(at)) {
            return;
        }
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

bool is_csv_header(std::string_view line) {
    CsvCursor at{line};
    return csv_header(at).has_value();
}

}  // namespace mqpasswd::import_detail
