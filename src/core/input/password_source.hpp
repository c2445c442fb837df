// Where a password comes from: a no-echo prompt, stdin, a file descriptor, an environment
// variable, a file, or the generator. Exactly one per command (DESIGN §3).
#pragma once

#include "core/crypto/secret.hpp"

#include <cstddef>
#include <string>
#include <string_view>

struct termios;

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

// Reads the password from `source` (not `argument`, which the command line already holds).
// `confirm` asks twice at a prompt. Throws Error on end of input, a mismatch, an over-long line
// (at a terminal: 4095 bytes, what the kernel keeps of a line), an empty first line of a file,
// descriptor or variable, or a prompt with no terminal; errors name the option that chose the
// source. Returns the bytes without the line terminator.
[[nodiscard]] Secret read_password(const PasswordSource& source, bool confirm);

// While alive, Ctrl-Z (SIGTSTP) at a no-echo prompt puts `shown` back on the terminal `fd` before
// the process stops, so the shell gets its echo back; on SIGCONT it sets `hidden` again and shows
// `prompt` on `prompt_fd` once more (the stop discarded what was typed). For one prompt at a time;
// the compat prompt uses it too. `prompt` must outlive the guard.
class StopGuard {
public:
    StopGuard(int fd, const termios& shown, const termios& hidden, int prompt_fd, std::string_view prompt);
    StopGuard(const StopGuard&) = delete;
    StopGuard& operator=(const StopGuard&) = delete;
    ~StopGuard();
};

// A random password from an alphabet without look-alike characters, by rejection sampling over
// RAND_bytes so that every character is equally likely.
[[nodiscard]] Secret generate_password(std::size_t length);

}  // namespace mqpasswd
