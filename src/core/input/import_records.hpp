// What the import parsers share: RawRecord (a record still being validated), BatchBuilder (which
// keeps valid records and skipped ones, the first problem, users given twice) and the text helpers
// they all use. Internal to the parsers; everyone else uses import_source.hpp.
#pragma once

#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "core/input/import_source.hpp"
#include "core/text.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mqpasswd::import_detail {

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

[[nodiscard]] std::string text_of(const Secret& field);

[[nodiscard]] std::string_view without_bom(std::string_view content);

// Splits the content into lines without their "\n" or "\r\n", numbering from 1, until `visit`
// returns false.
template <typename Visit> void for_each_line(std::string_view content, Visit visit) {
    std::size_t number = 0;
    while (!content.empty()) {
        std::string_view line = next_line(content).text;
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (!visit(++number, line)) {
            return;
        }
    }
}

[[nodiscard]] bool is_blank_or_comment(std::string_view line);

// ASCII only: column and hash names are ASCII, and a UTF-8 byte must pass through unchanged.
[[nodiscard]] std::string lowercase(std::string_view text);

// A hash column's value as people type it: `SHA512`, ` sha512-pbkdf2 ` are the names they mean.
[[nodiscard]] std::optional<Algorithm> hash_named(std::string_view text);

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
    [[noreturn]] void fail(const SkippedRecord& problem) const;

    ImportBatch& batch_;
    const std::string& source_name_;
    bool skip_invalid_;
    std::optional<SkippedRecord> stopped_;
    bool fatal_ = false;  // stopped_ holds a syntax error that --skip-invalid cannot skip
};

}  // namespace mqpasswd::import_detail
