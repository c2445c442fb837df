// Reading a password file line by line in bounded memory, for the commands that only look
// (verify, list): a million-user file is never held whole.
#pragma once

#include "core/pwfile/pwfile.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqpasswd {

struct RawLine {
    std::string_view text;   // without its terminator; valid until the next call to next()
    std::string_view eol;    // "\n", "\r\n", or "" for a last line without a newline
    std::size_t number = 0;  // 1-based
};

class LineReader {
public:
    // Reads `fd` (not owned) from its start; `display_path` names it in errors.
    LineReader(int fd, std::string display_path);
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;
    // The buffer held plain-text lines (passwords) and is wiped.
    ~LineReader();

    // The next line, or nullopt at the end of the file. Throws Error for a read error, and for a
    // line of max_line_length bytes or more (pwfile.hpp: no password file line is that long).
    [[nodiscard]] std::optional<RawLine> next();
    // Starts again from the first line, for a second pass over the same file.
    void rewind();

private:
    // Reads more into the buffer, making room first; false at the end of the file.
    bool fill();

    int fd_;
    std::string display_path_;
    std::string buffer_;
    std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
    std::size_t end_ = 0;
    std::size_t number_ = 0;
    bool at_end_ = false;
};

}  // namespace mqpasswd
