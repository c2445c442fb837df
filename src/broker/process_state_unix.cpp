// /proc/PID/fd/N links read "socket:[INODE]"; /proc/PID/net/tcp{,6} (the process's own network
// namespace) give each socket's state (0A: LISTEN), local port (hex) and inode; /proc/PID/maps
// names each mapped file.
#include "broker/process_state.hpp"

#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/unique_fd.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_descriptors = 65536;
constexpr std::size_t max_table_bytes = std::size_t{16} << 20;

// The inodes of the sockets among the process's descriptors; nothing when they cannot be listed.
std::optional<std::set<unsigned long>> socket_inodes(int proc) {
    const int fd = ::openat(proc, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), ::closedir);
    if (!dir) {
        ::close(fd);
        return std::nullopt;
    }
    std::set<unsigned long> inodes;
    std::size_t seen = 0;
    while (const dirent* entry = ::readdir(dir.get())) {
        if (++seen > max_descriptors) {
            return std::nullopt;
        }
        char target[64] = {};
        const ssize_t length = ::readlinkat(::dirfd(dir.get()), entry->d_name, target, sizeof target - 1);
        const std::string_view link(target, length > 0 ? static_cast<std::size_t>(length) : 0);
        unsigned long inode = 0;
        const std::string_view digits = link.size() > 9 ? link.substr(8, link.size() - 9) : std::string_view();
        if (link.starts_with("socket:[") && link.ends_with(']') &&
            std::from_chars(digits.data(), digits.data() + digits.size(), inode).ec == std::errc()) {
            inodes.insert(inode);
        }
    }
    return inodes;
}

}  // namespace

namespace {

// One /proc table of the process's network namespace, within the bound; nothing when unreadable.
std::optional<std::string> read_table(int proc, const char* table) {
    const UniqueFd fd(::openat(proc, table, O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        return std::string();  // no IPv6 in this kernel: an empty table
    }
    try {
        return read_at_most(fd.get(), 0, max_table_bytes, table);  // /proc files report size 0
    } catch (const Error&) {
        return std::nullopt;
    }
}

// The kernel's hex of an address (each 32-bit word in host byte order, as /proc prints it), as
// inet_ntop writes it.
std::optional<std::string> address_text(std::string_view hex) {
    if (hex.size() != 8 && hex.size() != 32) {
        return std::nullopt;
    }
    std::uint8_t bytes[16] = {};
    for (std::size_t word = 0; word < hex.size() / 8; ++word) {
        std::uint32_t value = 0;
        if (std::from_chars(hex.data() + word * 8, hex.data() + word * 8 + 8, value, 16).ec != std::errc()) {
            return std::nullopt;
        }
        std::memcpy(bytes + word * 4, &value, 4);  // back to network order on a little-endian host
    }
    char text[INET6_ADDRSTRLEN] = {};
    const int family = hex.size() == 8 ? AF_INET : AF_INET6;
    return ::inet_ntop(family, bytes, text, sizeof text) != nullptr ? std::optional<std::string>(text) : std::nullopt;
}

}  // namespace

std::vector<TableSocket> listening_sockets(std::string_view table) {
    std::vector<TableSocket> sockets;
    std::istringstream lines{std::string(table)};
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
        unsigned long inode = 0;
        if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >>
              inode) ||
            state != "0A") {
            continue;
        }
        const std::size_t colon = local.rfind(':');
        unsigned port = 0;
        const std::string_view hex = std::string_view(local).substr(colon + 1);
        const auto address = address_text(std::string_view(local).substr(0, colon));
        if (colon != std::string::npos && hex.size() == 4 && address &&
            std::from_chars(hex.data(), hex.data() + hex.size(), port, 16).ec == std::errc()) {
            sockets.push_back({inode, static_cast<std::uint16_t>(port), *address});
        }
    }
    return sockets;
}

std::vector<std::pair<unsigned long, std::string>> listening_unix_sockets(std::string_view table) {
    std::vector<std::pair<unsigned long, std::string>> sockets;
    std::istringstream lines{std::string(table)};
    std::string line;
    std::getline(lines, line);  // Num RefCount Protocol Flags Type St Inode Path
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string slot, references, protocol, flags, type, state, path;
        unsigned long inode = 0;
        // Flags 00010000 is __SO_ACCEPTCON: a socket that listen() was called on.
        if (fields >> slot >> references >> protocol >> flags >> type >> state >> inode >> path &&
            flags == "00010000" && path.starts_with('/')) {
            sockets.emplace_back(inode, path);
        }
    }
    return sockets;
}

std::set<std::uint16_t> Listening::ports() const {
    std::set<std::uint16_t> ports;
    for (const auto& [port, address] : tcp) {
        ports.insert(port);
    }
    return ports;
}

std::optional<Listening> listening_of(int proc) {
    const auto inodes = socket_inodes(proc);
    const auto tcp = read_table(proc, "net/tcp");
    const auto tcp6 = read_table(proc, "net/tcp6");
    const auto unix_table = read_table(proc, "net/unix");
    if (!inodes || !tcp || !tcp6 || !unix_table) {
        return std::nullopt;
    }
    Listening listening;
    for (const auto* table : {&*tcp, &*tcp6}) {
        for (const auto& socket : listening_sockets(*table)) {
            if (inodes->contains(socket.inode)) {
                listening.tcp.emplace(socket.port, socket.address);
            }
        }
    }
    for (const auto& [inode, path] : listening_unix_sockets(*unix_table)) {
        if (inodes->contains(inode)) {
            listening.unix_paths.insert(path);
        }
    }
    return listening;
}

std::optional<std::set<std::string>> mapped_files(int proc) {
    const UniqueFd fd(::openat(proc, "maps", O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        return std::nullopt;
    }
    std::optional<std::string> text;
    try {
        text = read_at_most(fd.get(), 0, max_table_bytes, "maps");
    } catch (const Error&) {
        return std::nullopt;
    }
    if (!text) {
        return std::nullopt;
    }
    // address perms offset dev inode path: the path starts at the sixth field and runs to the end.
    std::set<std::string> files;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t slash = line.find('/');
        if (slash != std::string::npos) {
            std::string path = line.substr(slash);
            if (path.ends_with(" (deleted)")) {  // replaced since it was loaded (an upgrade): still loaded
                path.resize(path.size() - 10);
            }
            files.insert(std::move(path));
        }
    }
    return files;
}

}  // namespace mqpasswd
