// The records of a bulk import: `user:password` lines, CSV with a header, JSON Lines or a JSON
// array. Every password goes straight into a Secret; the source text is wiped by its owner.
#pragma once

#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

// jsonl: JSON objects one after another (one per line, or pretty-printed as jq prints them);
// json: one JSON array of such objects.
enum class ImportFormat { lines, csv, jsonl, json };

[[nodiscard]] std::optional<ImportFormat> import_format_from_name(std::string_view name) noexcept;

struct ImportRecord {
    std::string username;
    Secret password;
    std::optional<Algorithm> hash;  // a per-user override of --hash
    std::size_t line = 0;           // 1-based line in SOURCE where the record starts
};

struct SkippedRecord {
    std::size_t line = 0;
    std::string reason;  // never quotes a password
    // The username the record names, when its structure let it be read (even if the name itself is
    // invalid): --prune keeps such users. Empty optional: the record named nobody that could be told.
    std::optional<std::string> username;
};

struct ImportBatch {
    bool guessed = false;  // the format was guessed from the content, not given with --format
    std::vector<ImportRecord> records;
    std::vector<SkippedRecord> skipped;  // only with skip_invalid
};

// Reads a whole SOURCE ("-" is standard input; pipes, FIFOs and /dev/fd/N work) into a Secret,
// at most 1 GiB. Throws Error naming the source.
[[nodiscard]] Secret read_import_source(const std::string& source);

// Guesses the format from the first line that is not blank or a '#' comment (after a UTF-8 BOM),
// and only when exactly one format fits: '{' starts JSON Lines, a CSV header naming username and
// password is CSV, `user:password` (no ',', ';', tab or '"' before the first ':') is lines. A JSON
// array ('[') is never guessed. Throws Error(failure) naming `source_name` and the line, ending in
// "use --format", when it cannot tell; "no records to import" when nothing is there.
[[nodiscard]] ImportFormat guess_import_format(std::string_view content, const std::string& source_name);

// Parses and validates every record (a leading UTF-8 BOM is skipped): a malformed record, an
// invalid username or password, or a user given twice throws Error(failure) with SOURCE:LINE,
// unless `skip_invalid`, which records the line in `skipped` and goes on (a syntax error inside a
// JSON array still throws: no next record can be found). A source that yields no records, or no
// valid ones, always throws, so an empty source never reaches --prune. Memory grows with the
// records, not with the lines.
[[nodiscard]] ImportBatch parse_import(std::string_view content, std::optional<ImportFormat> format,
                                       const std::string& source_name, bool skip_invalid);

}  // namespace mqpasswd
