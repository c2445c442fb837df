// What a running broker has that a reload cannot change, read from /proc: the TCP ports it
// listens on (Mosquitto refuses a reload that adds or removes a listener, and then applies none
// of it) and the plugins it has loaded (a reload loads none).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace mqpasswd {

// The ports of the listening TCP sockets (IPv4 and IPv6) the process whose /proc/PID directory is
// `proc` holds open. Nothing when its descriptors cannot be read (another user's process, gone).
// Bounded: at most 65536 descriptors and 16 MiB of each socket table are read.
[[nodiscard]] std::optional<std::set<std::uint16_t>> listening_ports(int proc);

// The files mapped into the process (its loaded shared objects, plugins among them), by the path
// /proc/PID/maps shows. Nothing when they cannot be read. Bounded: 16 MiB of maps.
[[nodiscard]] std::optional<std::set<std::string>> mapped_files(int proc);

// The listening sockets' inodes and ports in a /proc/net/tcp or tcp6 table's text.
[[nodiscard]] std::set<std::pair<unsigned long, std::uint16_t>> listening_sockets(std::string_view table);

}  // namespace mqpasswd
