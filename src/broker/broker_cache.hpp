// The remembered answer of `mosquitto -h`, so that --broker-version auto does not start the broker
// on every run (a process is ~3.5 ms, most of a one-user `set`; issue 18).
//
// The cache is one small file, CACHE_HOME/mqpasswd/broker-version, naming the program it answers
// for by its path and its identity (st_dev, st_ino, st_size, st_mtim, st_ctim): a program that is
// replaced, rewritten or even touched misses, and ctime cannot be set back by any user. CACHE_HOME
// is MQPASSWD_CACHE_HOME when set; otherwise /var/cache as root, else $XDG_CACHE_HOME or ~/.cache.
//
// Any path may belong to another user (the broker's account `mosquitto` is the likeliest attacker),
// and a lie here picks the hash every later user is written with. So the cache is used, read or
// written, only when:
//   - the path resolves under the path policy (safe_path: links only of root or the invoking user),
//   - the directory mqpasswd/ is owned by root or the effective user and writable by no one else,
//   - every directory above it is too (a sticky world-writable one, /tmp, excepted: no one can
//     rename or remove what is ours in it), checked on the real parents (".."), not on the path,
//   - the file is opened O_NOFOLLOW|O_NONBLOCK (a link or a FIFO fails), is regular, owned by the
//     effective user, not group- or world-writable, at most 4 KiB, and is byte for byte the record
//     this program's identity gives, with a version parse_version_banner would accept.
// Failure modes: anything else (a missing or foreign directory, a link, a FIFO, garbage, a record
// of another program or identity, an error of any kind) is a miss: the broker is asked as before.
// Nothing here throws or fails the command. A write is a temp file (O_EXCL|O_NOFOLLOW, 0600) in the
// same checked directory renamed over the file, so it never writes through a link; it is not
// fsynced: a torn file after a crash is garbage, that is, a miss. A SIGKILL between the two can
// leave one `broker-version.PID.tmp` (removed by the next writer with that pid). Under sudo -E the
// environment is the user's, but MQPASSWD_CACHE_HOME gets the same checks (root's own directories
// only), and the files made are always mqpasswd/broker-version beneath it.
#pragma once

#include <optional>
#include <string>
#include <sys/stat.h>

namespace mqpasswd {

// The directory that holds mqpasswd/ (see above), or nothing when there is none (HOME unset, or a
// relative MQPASSWD_CACHE_HOME, which is how to turn the cache off).
[[nodiscard]] std::optional<std::string> broker_cache_home();

// Whether two stats are the same program file: device, inode, size, mtime and ctime.
[[nodiscard]] bool same_program_file(const struct stat& a, const struct stat& b) noexcept;

// The version remembered for `program`, whose stat is `identity`, under `cache_home`; nothing on
// a miss of any kind.
[[nodiscard]] std::optional<std::string>
cached_broker_version(const std::string& cache_home, const std::string& program, const struct stat& identity) noexcept;

// Remembers `version` for `program` under `cache_home`, making mqpasswd/ (0700) and, if missing,
// `cache_home` itself (0700). Returns whether it was stored; nothing is stored for a version that
// does not parse, a path with a newline, a record over 4 KiB or an untrusted directory.
bool store_broker_version(const std::string& cache_home, const std::string& program, const struct stat& identity,
                          const std::string& version) noexcept;

}  // namespace mqpasswd
