// The record collector behind every import format: validation of each record, --skip-invalid, the
// first problem and users given twice, and the small text helpers the parsers share.
#include "core/input/import_records.hpp"

#include "core/error.hpp"
#include "core/pwfile/password.hpp"
#include "core/pwfile/username.hpp"
#include "core/quote.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <unordered_map>

namespace mqpasswd::import_detail {
namespace {

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
    return {};
}

}  // namespace

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

bool is_blank_or_comment(std::string_view line) {
    return trim(line).empty() || line.front() == '#';
}

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return lower;
}

std::optional<Algorithm> hash_named(std::string_view text) {
    return algorithm_from_name(lowercase(trim(text)));
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

void BatchBuilder::fail(const SkippedRecord& problem) const {
    throw Error(ExitCode::failure, problem.reason, source_name_, problem.line);
}

}  // namespace mqpasswd::import_detail
