// Files named on the command line to read from: an import source, a --password-file. They may be
// pipes and process substitutions (bash's <(...) is a link into /proc/self/fd), so unlike a
// password file they are not refused for being a link or a FIFO; but they are opened under the
// path policy, never block forever, and are never a device.
#pragma once

#include "core/fs/unique_fd.hpp"

#include <chrono>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>

namespace mqpasswd {

// How long a named pipe may stay silent: before its first byte, and between two reads.
inline constexpr std::chrono::milliseconds source_first_byte_wait{5000};
inline constexpr std::chrono::milliseconds source_idle_wait{10000};

// Opens `path` for reading: its directories through the path policy (safe_path.hpp); its own
// name, when a symbolic link, followed only when root or the invoking user owns the link (and
// never re-resolved by name: the link is followed by the same openat that checked it was one);
// only a regular file, a FIFO or a socket; a FIFO waits at most source_first_byte_wait for a
// writer. The fd is non-blocking: read it with read_within. `display` names it in errors;
// `info` is its fstat.
[[nodiscard]] UniqueFd open_source_file(const std::string& path, const std::string& display, struct stat& info);

// read(2) that waits at most `idle` for data (on a pipe or socket; a regular file is always
// ready); throws Error naming `display` when nothing comes, or on a read error.
[[nodiscard]] std::size_t read_within(int fd, char* buffer, std::size_t size, std::chrono::milliseconds idle,
                                      const std::string& display);

}  // namespace mqpasswd
