// Where a password comes from: a no-echo prompt, stdin, a file descriptor, an environment
// variable, a file, or the generator. Exactly one per command (DESIGN §3).
#pragma once

#include "core/crypto/secret.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace mqpasswd {

enum class PasswordSourceKind { prompt, stdin_line, fd, env, file, generate, argument };

// --generate's length when none is given: 20 characters of about 5.8 bits each, 116 bits.
inline constexpr std::size_t default_generated_length = 20;

struct PasswordSource {
    PasswordSourceKind kind = PasswordSourceKind::prompt;
    int fd = -1;                                    // fd
    std::string name;                               // env: the variable; file: the path
    std::size_t length = default_generated_length;  // generate: characters
};

inline constexpr std::size_t min_generated_length = 8;
inline constexpr std::size_t max_generated_length = 1024;

// Reads the password from `source` (not `prompt`, the CLI's terminal_prompt, nor `argument`,
// which the command line already holds). Throws Error on end of input, a mismatch, an over-long line
// (at a terminal: 4095 bytes, what the kernel keeps of a line), an empty first line of a file,
// descriptor or variable, or a prompt with no terminal; errors name the option that chose the
// source. Returns the bytes without the line terminator.
[[nodiscard]] Secret read_password(const PasswordSource& source);

struct LineRead {
    enum Status { ok, no_input, too_long, failed } status = ok;
    int errno_value = 0;  // failed: the read's errno
};

// Reads one line of `fd` into `out` a byte at a time (without "\n" or "\r\n"), stopping once it
// holds `limit` bytes. `no_input`: end of input before any byte. A last line without a newline counts.
[[nodiscard]] LineRead read_secret_line(int fd, Secret& out, std::size_t limit);

// A random password from an alphabet without look-alike characters, by rejection sampling over
// random_bytes so that every character is equally likely.
[[nodiscard]] Secret generate_password(std::size_t length);

}  // namespace mqpasswd
