// A lossless model of a Mosquitto password file: every line keeps its exact bytes and line ending,
// so lines mqpasswd does not touch are written back byte for byte.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

enum class LineKind {
    blank,      // empty or only whitespace; the broker skips it
    comment,    // first byte '#'; the broker skips it
    entry,      // user:hash that the broker reads
    malformed,  // something the broker would reject or misread; kept as it is
};

struct PwLine {
    std::string text;  // the line without its terminator
    std::string eol;   // "\n", "\r\n", or "" for a last line without a newline
    LineKind kind = LineKind::blank;
    std::string username;         // entries, and malformed lines where a user can be told
    std::string hash;             // entries: the trimmed field after the first ':'
    std::string problem;          // malformed: why, never quoting the hash
    std::size_t source_line = 0;  // 1-based line number in the file as read; 0 for new lines
};

// A problem found in a file, for FILE:LINE messages.
struct LineProblem {
    std::size_t line;
    std::string message;
    std::string username;  // the user the line names, when it names one
};

class PwFile {
public:
    PwFile() = default;
    PwFile(PwFile&&) noexcept = default;
    PwFile& operator=(PwFile&&) noexcept = default;
    PwFile(const PwFile&) = default;
    PwFile& operator=(const PwFile&) = default;
    // Plain-text lines are passwords: the model wipes its copies when it goes.
    ~PwFile();

    [[nodiscard]] static PwFile parse(std::string_view content);
    [[nodiscard]] std::string serialise() const;

    [[nodiscard]] const std::vector<PwLine>& lines() const noexcept { return lines_; }
    // Index of the first line (entry or malformed) naming the user, or npos.
    [[nodiscard]] std::size_t find(std::string_view username) const noexcept;

    // Replaces the user's first line with "user:hash" (keeping its line ending) and drops later
    // lines of the same user; appends a new line when the user is absent.
    void set(std::string_view username, const std::string& hash);
    // Lines that set() writes end like the file's last line (CRLF or LF) by default; mosquitto_passwd
    // always writes "\n", and its compat front asks for that.
    void always_end_new_lines_with_lf() noexcept { lf_only_ = true; }

    // Drops every line (wiping them), for a file that is being created anew.
    void clear() noexcept;
    // set() for many users in one pass over the file (a bulk import must not be quadratic).
    // `entries` come from generated_entry(); their line endings are chosen here.
    void set_all(std::vector<PwLine> entries);
    // Removes every line naming a user for whom `keep` is false; returns the users removed, in
    // file order, once each.
    std::vector<std::string> remove_unless(const std::function<bool(const std::string&)>& keep);

    // Removes every line of the user; returns how many there were.
    std::size_t remove(std::string_view username);

    // Malformed lines, in file order.
    [[nodiscard]] std::vector<LineProblem> malformed_lines() const;
    // Second and later lines of a user already named above, in file order.
    [[nodiscard]] std::vector<LineProblem> duplicate_users() const;

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
    [[nodiscard]] std::string new_line_ending() const;

    std::vector<PwLine> lines_;
    bool lf_only_ = false;
};

// Splits one line's text the way the broker does (first byte '#', first ':', trimmed fields)
// and classifies it. Exposed for tests and for the masked diff.
[[nodiscard]] PwLine classify_line(std::string text, std::string eol, std::size_t source_line);

// An entry line for a username that passed username_problem() and a hash that make_hash() made:
// built directly, without classifying it again (which would decode the hash for nothing).
[[nodiscard]] PwLine generated_entry(std::string username, std::string hash, std::string eol = {},
                                     std::size_t source_line = 0);

// The line with its hash replaced by its algorithm marker ("alice:$7$****"), for diffs and logs.
[[nodiscard]] std::string masked_text(const PwLine& line);

}  // namespace mqpasswd
