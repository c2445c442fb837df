// The records of a bulk import: `user:password` lines, CSV with a header, or JSON Lines. Every
// password goes straight into a Secret; the source text is wiped by its owner.
#pragma once

#include "core/hash.hpp"
#include "core/secret.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

enum class ImportFormat { lines, csv, jsonl };

[[nodiscard]] std::optional<ImportFormat> import_format_from_name(std::string_view name) noexcept;

struct ImportRecord {
    std::string username;
    Secret password;
    std::optional<Algorithm> hash;  // a per-user override of --hash
    std::size_t line = 0;           // 1-based line in SOURCE
};

struct SkippedRecord {
    std::size_t line = 0;
    std::string reason;  // never quotes a password
};

struct ImportBatch {
    ImportFormat format = ImportFormat::lines;
    std::vector<ImportRecord> records;
    std::vector<SkippedRecord> skipped;  // only with skip_invalid
};

// Reads a whole SOURCE ("-" is standard input; pipes, FIFOs and /dev/fd/N work) into a Secret,
// at most 1 GiB. Throws Error naming the source.
[[nodiscard]] Secret read_import_source(const std::string& source);

// Guesses the format from the first line that is not blank or a '#' comment: '{' starts JSON
// Lines, a header naming username and password is CSV, a ':' makes it lines. Throws Error
// (naming `source_name`) when it cannot tell.
[[nodiscard]] ImportFormat guess_import_format(std::string_view content, const std::string& source_name);

// Parses and validates every record: a malformed record, an invalid username or password, or a
// user given twice throws Error(failure) with SOURCE:LINE, unless `skip_invalid`, which records
// the line in `skipped` and goes on.
[[nodiscard]] ImportBatch parse_import(std::string_view content, std::optional<ImportFormat> format,
                                       const std::string& source_name, bool skip_invalid);

}  // namespace mqpasswd
