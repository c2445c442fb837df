// The real tool reads each entry with fgets into a 65500-byte buffer: at most 65499 bytes per
// read, a longer line is split across the two reads. Reading byte by byte from fd 0 with that
// limit gives the same result without a stdio buffer holding the password. One departure: at a
// terminal the real tool turns line mode off (no line editing: a backspace is stored as a byte);
// we keep it, and with it the kernel's 4095-byte line, so a line that reaches it is refused.
#include "cli/compat_prompt.hpp"

#include "cli/terminal_prompt.hpp"

#include <cerrno>
#include <unistd.h>

namespace mqpasswd::cli {
namespace {

constexpr std::size_t fgets_limit = 65499;

// fgets: up to the limit or through the newline. False at end of input before any byte.
bool read_entry(Secret& out) {
    bool any = false;
    while (out.size() < fgets_limit) {
        char byte = 0;
        const ssize_t got = ::read(STDIN_FILENO, &byte, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        any = true;
        out.push_back(byte);
        if (byte == '\n') {
            break;
        }
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
        out.pop_back();
    }
    return any;
}

enum class Entry { ok, empty, too_long };

// One prompt on stdout; on a terminal the entry is read with echo off (terminal_prompt). Echo
// goes off before the prompt shows (the real tool does it after, and a fast typist is echoed).
Entry prompt_entry(std::string_view prompt, Secret& out) {
    bool got = false;
    if (!read_hidden(STDOUT_FILENO, prompt, TypedAhead::keep, [&] { got = read_entry(out); })) {
        write_prompt(STDOUT_FILENO, prompt);
        return read_entry(out) && !out.empty() ? Entry::ok : Entry::empty;
    }
    if (out.size() >= max_typed_line) {
        // The kernel may have kept only the start of what was typed, and hashing that would set a
        // password no one knows.
        out.clear();
        return Entry::too_long;
    }
    return got && !out.empty() ? Entry::ok : Entry::empty;
}

// The stderr line and exit code for an entry that is not a password.
CompatPassword refused(Entry entry) {
    if (entry == Entry::too_long) {
        write_prompt(STDOUT_FILENO, "\n");  // the Enter that ended the line was not echoed
        return {1, "Error: Password must be less than 4095 characters long when typed at a terminal.\n", Secret()};
    }
    return {1, "Error: Empty password.\n", Secret()};
}

}  // namespace

CompatPassword compat_prompt() {
    CompatPassword result;
    if (const Entry entry = prompt_entry("Password: ", result.password); entry != Entry::ok) {
        return refused(entry);
    }
    write_prompt(STDOUT_FILENO, "\n");
    Secret again;
    if (const Entry entry = prompt_entry("Reenter password: ", again); entry != Entry::ok) {
        return refused(entry);
    }
    write_prompt(STDOUT_FILENO, "\n");
    if (!result.password.equals(again)) {
        return {2, "Error: Passwords do not match.\n", Secret()};
    }
    return result;
}

}  // namespace mqpasswd::cli
