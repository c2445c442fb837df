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
    REQUIRE(sockets.size() == 2);
    CHECK((sockets[0].inode == 4711 && sockets[0].port == 1883 && sockets[0].address == "127.0.0.1"));
    CHECK((sockets[1].inode == 4713 && sockets[1].port == 8883 && sockets[1].address == "::"));
    const auto v6 = listening_sockets(
        "sl local rem st\n 0: 00000000000000000000000001000000:22B3 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000 0 0 99 1\n");
    REQUIRE(v6.size() == 1);
    CHECK(v6[0].address == "::1");
    const auto unix_sockets =
        listening_unix_sockets("Num       RefCount Protocol Flags    Type St Inode Path\n"
                               "0000000000000000: 00000002 00000000 00010000 0001 01 5001 /run/mosquitto/mqtt.sock\n"
                               "0000000000000000: 00000003 00000000 00000000 0001 03 5002 /run/connected.sock\n"
                               "0000000000000000: 00000002 00000000 00010000 0001 01 5003 @abstract\n"
                               "0000000000000000: 00000002 00000000 00010000 0001 01 5004\n");
    CHECK(unix_sockets == std::vector<std::pair<unsigned long, std::string>>{{5001, "/run/mosquitto/mqtt.sock"}});
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
    const auto listening = listening_of(proc);
    ::close(proc);
    ::close(listener);
    REQUIRE(listening);
    CHECK(listening->tcp.contains({ntohs(address.sin_port), "127.0.0.1"}));
    CHECK(listening->ports().contains(ntohs(address.sin_port)));
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
