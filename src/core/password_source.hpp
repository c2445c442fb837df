// Where a password comes from: a no-echo prompt, stdin, a file descriptor, an environment
// variable, a file, or the generator. Exactly one per command (DESIGN §3).
#pragma once

#include "core/secret.hpp"

#include <cstddef>
#include <string>

namespace mqpasswd {

enum class PasswordSourceKind { prompt, stdin_line, fd, env, file, generate, argument };

struct PasswordSource {
    PasswordSourceKind kind = PasswordSourceKind::prompt;
    int fd = -1;              // fd
    std::string name;         // env: the variable; file: the path
    std::size_t length = 20;  // generate: characters (about 5.8 bits each)
};

inline constexpr std::size_t min_generated_length = 8;
inline constexpr std::size_t max_generated_length = 1024;

// Reads the password from `source` (not `argument`, which the command line already holds).
// `confirm` asks twice at a prompt. Throws Error on end of input, a mismatch, an over-long line,
// or a prompt with no terminal. Returns the bytes without the line terminator.
[[nodiscard]] Secret read_password(const PasswordSource& source, bool confirm);

// A random password from an alphabet without look-alike characters, by rejection sampling over
// RAND_bytes so that every character is equally likely.
[[nodiscard]] Secret generate_password(std::size_t length);

}  // namespace mqpasswd
