// /proc/PID/fd/N links read "socket:[INODE]"; /proc/PID/net/tcp{,6} (the process's own network
// namespace) give each socket's state (0A: LISTEN), local port (hex) and inode; /proc/PID/maps
// names each mapped file.
#include "broker/process_state.hpp"

#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/unique_fd.hpp"

#include <charconv>
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

std::set<std::pair<unsigned long, std::uint16_t>> listening_sockets(std::string_view table) {
    std::set<std::pair<unsigned long, std::uint16_t>> sockets;
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
        if (colon == std::string::npos || local.size() - colon - 1 != 4) {
            continue;
        }
        unsigned port = 0;
        const std::string_view hex = std::string_view(local).substr(colon + 1);
        if (std::from_chars(hex.data(), hex.data() + hex.size(), port, 16).ec == std::errc()) {
            sockets.emplace(inode, static_cast<std::uint16_t>(port));
        }
    }
    return sockets;
}

std::optional<std::set<std::uint16_t>> listening_ports(int proc) {
    const auto inodes = socket_inodes(proc);
    if (!inodes) {
        return std::nullopt;
    }
    std::set<std::uint16_t> ports;
    for (const char* table : {"net/tcp", "net/tcp6"}) {
        const UniqueFd fd(::openat(proc, table, O_RDONLY | O_CLOEXEC));
        if (!fd.valid()) {
            continue;  // no IPv6 in this kernel
        }
        // /proc files report size 0: read to the end, within the bound.
        std::optional<std::string> text;
        try {
            text = read_at_most(fd.get(), 0, max_table_bytes, table);
        } catch (const Error&) {
            return std::nullopt;
        }
        if (!text) {
            return std::nullopt;
        }
        for (const auto& [inode, port] : listening_sockets(*text)) {
            if (inodes->contains(inode)) {
                ports.insert(port);
            }
        }
    }
    return ports;
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
