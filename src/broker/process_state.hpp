// What a running broker has that a reload cannot change, read from /proc: the TCP and unix
// sockets it listens on (Mosquitto refuses a reload that adds or removes a listener, and then applies none
// of it) and the plugins it has loaded (a reload loads none).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqpasswd {

// What the process whose /proc/PID directory is `proc` listens on, from its open descriptors.
struct Listening {
    std::set<std::pair<std::uint16_t, std::string>> tcp;  // port, address as inet_ntop writes it
    std::set<std::string> unix_paths;                     // unix sockets bound to a path
    [[nodiscard]] std::set<std::uint16_t> ports() const;
};

// Nothing when its descriptors or socket tables cannot be read (another user's process, gone).
// Bounded: at most 65536 descriptors and 16 MiB of each table are read.
[[nodiscard]] std::optional<Listening> listening_of(int proc);

// The files mapped into the process (its loaded shared objects, plugins among them), by the path
// /proc/PID/maps shows. Nothing when they cannot be read. Bounded: 16 MiB of maps.
[[nodiscard]] std::optional<std::set<std::string>> mapped_files(int proc);

// A listening socket of a /proc/net/tcp or tcp6 table.
struct TableSocket {
    unsigned long inode = 0;
    std::uint16_t port = 0;
    std::string address;  // as inet_ntop writes it
};
[[nodiscard]] std::vector<TableSocket> listening_sockets(std::string_view table);

// The listening unix sockets (inode, path) of a /proc/net/unix table.
[[nodiscard]] std::vector<std::pair<unsigned long, std::string>> listening_unix_sockets(std::string_view table);

}  // namespace mqpasswd
