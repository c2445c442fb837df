// A lossless model of a Mosquitto password file: every line keeps its exact bytes and line ending,
// so lines mqpasswd does not touch are written back byte for byte.
//
// The file's bytes are held once: each line is a set of views into them (or, for a line made
// after parsing, into a string the model keeps), so a million-user file costs its own size plus
// ~72 bytes a line, and writing it out streams the views without building a second copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

// No password file line is this long (a username and a hash are at most 65535 bytes each): a
// longer one is malformed, and the streaming reader refuses it rather than buffer it.
inline constexpr std::size_t max_line_length = std::size_t{1} << 20;
// Past this many lines a file is not one mqpasswd edits in memory (8 Mi: 8 million users would
// already be a 1 GiB file); verify and list, which stream, still read it.
inline constexpr std::size_t max_lines = std::size_t{1} << 23;

enum class LineKind : std::uint8_t {
    blank,      // empty or only whitespace; the broker skips it
    comment,    // first byte '#'; the broker skips it
    entry,      // user:hash that the broker reads
    malformed,  // something the broker would reject or misread; kept as it is
};

// One line. The views point into the PwFile that holds the line (or into the text given to
// classify_line) and stay valid as long as it lives, even after the line itself was replaced.
struct PwLine {
    std::string_view text;          // the line without its terminator
    std::string_view eol;           // "\n", "\r\n", or "" for a last line without a newline
    std::string_view username;      // entries, and malformed lines where a user can be told
    std::string_view hash;          // entries: the trimmed field after the first ':'
    std::uint32_t source_line = 0;  // 1-based line number in the file as read; 0 for new lines
    LineKind kind = LineKind::blank;
};

// A problem found in a file, for FILE:LINE messages.
struct LineProblem {
    std::size_t line;
    std::string message;  // names the user, when the line names one
};

// A line to add or replace, made off the file (a bulk import hashes on several threads).
struct NewEntry {
    std::string text;  // "user:hash"
    std::size_t username_length = 0;
};

// The entry line "user:hash" for a username that passed username_problem() and a hash that
// make_hash() made.
[[nodiscard]] NewEntry new_entry(std::string_view username, std::string_view hash);

class PwFile {
public:
    PwFile() = default;
    PwFile(PwFile&&) noexcept = default;
    PwFile& operator=(PwFile&&) noexcept = default;
    // Copies would have to re-aim every view; nothing needs one.
    PwFile(const PwFile&) = delete;
    PwFile& operator=(const PwFile&) = delete;
    // Plain-text lines are passwords: the model wipes the bytes it read when it goes.
    ~PwFile();

    // Takes the file's bytes (moved in, not copied). Throws Error naming `display_path` past
    // max_lines.
    [[nodiscard]] static PwFile parse(std::string content, const std::string& display_path = {});
    [[nodiscard]] std::string serialise() const;
    // Hands the content to `write` piece by piece, in order.
    void write_to(const std::function<void(std::string_view)>& write) const;
    // True when the content is byte for byte what parse() was given.
    [[nodiscard]] bool unchanged() const noexcept;

    [[nodiscard]] const std::vector<PwLine>& lines() const noexcept { return lines_; }
    // Index of the first line (entry or malformed) naming the user, or npos.
    [[nodiscard]] std::size_t find(std::string_view username) const noexcept;

    // Replaces the user's first line with "user:hash" (keeping its line ending) and drops later
    // lines of the same user; appends a new line when the user is absent.
    void set(std::string_view username, std::string_view hash);
    // Lines that set() writes end like the file's last line (CRLF or LF) by default; mosquitto_passwd
    // always writes "\n", and its compat front asks for that.
    void always_end_new_lines_with_lf() noexcept { lf_only_ = true; }

    // Drops every line, for a file that is being created anew.
    void clear() noexcept;
    // set() for many users in one pass over the file (a bulk import must not be quadratic).
    void set_all(std::vector<NewEntry> entries);
    // Removes every line naming a user for whom `keep` is false; returns the users removed, in
    // file order, once each.
    std::vector<std::string> remove_unless(const std::function<bool(std::string_view)>& keep);

    // Removes every line of the user; returns how many there were.
    std::size_t remove(std::string_view username);

    // Malformed lines, in file order.
    [[nodiscard]] std::vector<LineProblem> malformed_lines() const;
    // Second and later lines of a user already named above, in file order.
    [[nodiscard]] std::vector<LineProblem> duplicate_users() const;

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
    [[nodiscard]] std::string_view new_line_ending() const;
    // Adds a line at the end with the file's line ending.
    void append(PwLine line);
    // Keeps `text` for the model's lifetime and returns a view of it that never moves.
    std::string_view keep(std::string text);
    // The entry line for a kept "user:hash" text.
    [[nodiscard]] static PwLine entry_line(std::string_view text, std::size_t username_length, std::string_view eol,
                                           std::uint32_t source_line);

    // Behind a pointer so that moving the model never moves the bytes its views point at (a
    // short std::string keeps them inside itself).
    struct Storage {
        std::string content;            // the bytes parse() was given; never changed
        std::deque<std::string> added;  // texts of lines made since; a deque never moves its elements
    };
    std::unique_ptr<Storage> storage_ = std::make_unique<Storage>();
    std::vector<PwLine> lines_;
    bool lf_only_ = false;
};

// Splits one line's text the way the broker does (first byte '#', first ':', trimmed fields) and
// classifies it; the line's views point into `text`. Exposed for tests and the streaming reader.
[[nodiscard]] PwLine classify_line(std::string_view text, std::string_view eol, std::size_t source_line);

// The first line of `content`: its text, its terminator ("\n", "\r\n", or "" when the line runs
// to the end of `content`) and how many bytes it takes with the terminator.
struct SplitLine {
    std::string_view text;
    std::string_view eol;
    std::size_t size = 0;
};
[[nodiscard]] SplitLine first_line(std::string_view content) noexcept;

// The user a line names, exactly as classify_line(text, ...).username tells it, without looking
// at the hash: for readers that only look for one user.
[[nodiscard]] std::string_view line_username(std::string_view text) noexcept;

// Why a malformed line is malformed (never quoting the hash); "" for any other line.
[[nodiscard]] std::string line_problem(const PwLine& line);

// "duplicate user 'NAME' (first at line N)", for every reader that finds one.
[[nodiscard]] std::string duplicate_message(std::string_view username, std::size_t first_line);

// The line with its hash replaced by its algorithm marker ("alice:$7$********"), for diffs and logs.
[[nodiscard]] std::string masked_text(const PwLine& line);

}  // namespace mqpasswd
