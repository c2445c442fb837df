// The public face of import_source.hpp: the format by name or by guess, the `user:password` lines
// format, and the dispatch to the CSV and JSON readers. Strict where a guess could set the wrong
// password, lenient only about layout (a BOM, blank lines, CRLF, columns and keys we do not use).
#include "core/input/import_source.hpp"

#include "core/error.hpp"
#include "core/input/import_csv.hpp"
#include "core/input/import_json.hpp"
#include "core/input/import_records.hpp"
#include "core/text.hpp"

#include <utility>

namespace mqpasswd {
namespace {

using import_detail::BatchBuilder;
using import_detail::for_each_line;
using import_detail::is_blank_or_comment;
using import_detail::is_csv_header;
using import_detail::lowercase;
using import_detail::RawRecord;
using import_detail::without_bom;

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

// --- Guessing -----------------------------------------------------------------------------

// `user:password`, and nothing a CSV record or a JSON key could also be.
bool looks_like_lines(std::string_view line) {
    const std::size_t colon = line.find(':');
    return colon != std::string_view::npos && !line.starts_with('"') &&
           line.substr(0, colon).find_first_of(",;\t\"") == std::string_view::npos;
}

// `username:password` (or `user:pass...`) as the first line is a header of a lines file, not the
// user "username": which it is cannot be told, so it is not guessed.
bool looks_like_a_header(std::string_view line) {
    const std::size_t colon = line.find(':');
    const std::string name = lowercase(trim(line.substr(0, colon)));
    const std::string rest = lowercase(trim(line.substr(colon + 1)));
    return (name == "username" || name == "user" || name == "name") && rest.starts_with("pass");
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
    if (looks_like_lines(first) && looks_like_a_header(first)) {
        throw Error(ExitCode::failure, "this looks like a header, not a user; remove it or use --format", source_name,
                    at);
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

namespace {

// UTF-16 (what some spreadsheets save as "Unicode text") reads as garbage byte by byte: say so.
void refuse_utf16(std::string_view content, const std::string& source_name) {
    if (content.starts_with("\xFF\xFE") || content.starts_with("\xFE\xFF")) {
        throw Error(ExitCode::failure, "this is UTF-16 text; save it as UTF-8 (or CSV UTF-8)", source_name, 1);
    }
}

}  // namespace

ImportBatch parse_import(std::string_view content, std::optional<ImportFormat> format, const std::string& source_name,
                         bool skip_invalid) {
    refuse_utf16(content, source_name);
    content = without_bom(content);
    ImportBatch batch;
    batch.guessed = !format;
    BatchBuilder out(batch, source_name, skip_invalid);
    switch (format ? *format : guess_format(content, source_name)) {
    case ImportFormat::lines:
        parse_lines(content, out);
        break;
    case ImportFormat::csv:
        import_detail::parse_csv(content, out);
        break;
    case ImportFormat::jsonl:
        import_detail::parse_json_stream(content, out);
        break;
    case ImportFormat::json:
        import_detail::parse_json_array(content, out);
        break;
    }
    out.finish();
    return batch;
}

}  // namespace mqpasswd
