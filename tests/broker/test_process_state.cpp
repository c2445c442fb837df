#include "broker/process_state.hpp"
#include "support/catch.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace mqpasswd;

TEST_CASE("listening sockets are read from a /proc/net/tcp table", "[process_state]") {
    const std::string table =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 4711 1 0 100 0 0 "
        "10 0\n"
        "   1: 0100007F:A2F1 0100007F:075B 01 00000000:00000000 00:00000000 00000000     0        0 4712 1 0 20 4 30 "
        "10 -1\n"
        "   2: 00000000000000000000000000000000:22B3 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000 0 0 4713 1\n"
        "   3: garbage\n";
    const auto sockets = listening_sockets(table);
    CHECK(sockets == std::set<std::pair<unsigned long, std::uint16_t>>{{4711, 1883}, {4713, 8883}});
}

TEST_CASE("our own process's listening ports are read from /proc", "[process_state]") {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    const int proc = ::open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const auto ports = listening_ports(proc);
    ::close(proc);
    ::close(listener);
    REQUIRE(ports);
    CHECK(ports->contains(ntohs(address.sin_port)));
}

TEST_CASE("our own process's mapped files name its program and its libraries", "[process_state]") {
    const int proc = ::open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const auto files = mapped_files(proc);
    ::close(proc);
    REQUIRE(files);
    char self[4096] = {};
    REQUIRE(::readlink("/proc/self/exe", self, sizeof self - 1) > 0);
    CHECK(files->contains(self));
    CHECK(std::any_of(files->begin(), files->end(),
                      [](const std::string& file) { return file.find("libc.so") != std::string::npos; }));
}
