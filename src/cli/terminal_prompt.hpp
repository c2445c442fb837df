// The terminal prompt: the one place mqpasswd reads what a person types. Echo is off while an
// entry is read and comes back on return, on exceptions, on SIGINT/SIGTERM/SIGHUP (TerminalGuard)
// and across Ctrl-Z (the shell gets its echo while we are stopped; the prompt shows again after).
// Both fronts use it: the native prompt below, and mosquitto_passwd's in compat_prompt.
#pragma once

#include "core/crypto/secret.hpp"

#include <cstddef>
#include <functional>
#include <string_view>

namespace mqpasswd::cli {

// A terminal in canonical mode keeps at most 4095 bytes of a line (N_TTY_BUF_SIZE - 1 on Linux)
// and drops the rest unseen, so a line that long may be the start of a longer password; hashing
// it would set a password no one knows (and the confirmation, cut the same way, would agree).
inline constexpr std::size_t max_typed_line = 4095;

// What happens to input typed before the prompt, and to the rest of a line cut at a limit, when
// echo changes: discarded (TCSAFLUSH), or left queued (TCSANOW, what mosquitto_passwd does).
enum class TypedAhead { discard, keep };

// Writes all of `text` to `fd`, retrying on EINTR; a prompt that cannot be shown is not worth
// failing over, so errors end it quietly.
void write_prompt(int fd, std::string_view text);

// One entry at the terminal on stdin: echo goes off, `prompt` is written to `prompt_fd`,
// `read_entry` reads, echo comes back. False, with errno set and nothing shown or read, when
// stdin's terminal settings cannot be read (it is not a terminal).
[[nodiscard]] bool read_hidden(int prompt_fd, std::string_view prompt, TypedAhead typed_ahead,
                               const std::function<void()>& read_entry);

// The native front's prompt: "Password: " (and "Reenter password: " when `confirm`) on the
// controlling terminal, so stdout stays clean for --json and pipes. Throws Error (exit 2) when
// stdin is not a terminal, and on end of input, a line of max_typed_line bytes or more, or two
// entries that differ.
[[nodiscard]] Secret prompt_password(bool confirm);

}  // namespace mqpasswd::cli
