// Broker detection by running the broker binary: its banner is the only version source that is
// there on every install (no pkg-config file, no version header at runtime).
#include "broker/broker_version.hpp"

#include "core/error.hpp"
#include "core/unique_fd.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace mqpasswd {
namespace {

constexpr auto detection_timeout = std::chrono::seconds(5);

bool is_executable(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> find_broker_binary() {
    if (const char* configured = std::getenv("MQPASSWD_MOSQUITTO"); configured != nullptr && *configured != '\0') {
        return std::string(configured);
    }
    std::string search = "/usr/sbin:/usr/local/sbin";
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        search = std::string(path) + ':' + search;
    }
    std::size_t start = 0;
    while (start <= search.size()) {
        const std::size_t end = std::min(search.find(':', start), search.size());
        const std::string candidate = search.substr(start, end - start) + "/mosquitto";
        if (end > start && is_executable(candidate)) {
            return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

// Collects the child's stdout until it closes or the deadline passes; kills it at the deadline.
std::string collect_output(int fd, pid_t child) {
    std::string output;
    const auto deadline = std::chrono::steady_clock::now() + detection_timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd wait_for{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&wait_for, 1, static_cast<int>(left.count())) == 0) {
            ::kill(child, SIGKILL);
            break;
        }
        char buffer[4096];
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0 || output.size() > 65536) {
            break;
        }
        output.append(buffer, static_cast<std::size_t>(got));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return output;
}

std::optional<std::string> run_banner(const std::string& program) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::string program_copy = program;
    std::string flag = "-h";
    char* argv[] = {program_copy.data(), flag.data(), nullptr};
    pid_t child = 0;
    const int rc = ::posix_spawn(&child, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    write_end.reset();
    if (rc != 0) {
        return std::nullopt;
    }
    return collect_output(read_end.get(), child);
}

}  // namespace

std::optional<std::string> parse_version_banner(std::string_view output) {
    constexpr std::string_view prefix = "mosquitto version ";
    const std::size_t start = output.find(prefix);
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = output.substr(start + prefix.size());
    rest = rest.substr(0, rest.find_first_of(" \r\n"));
    if (rest.empty() || rest.find_first_not_of("0123456789.") != std::string_view::npos || rest.front() == '.') {
        return std::nullopt;
    }
    return std::string(rest);
}

BrokerVersion profile_for_version(const std::string& version) {
    const int major = std::atoi(version.c_str());
    const std::size_t dot = version.find('.');
    const int minor = dot == std::string::npos ? 0 : std::atoi(version.c_str() + dot + 1);
    if (major < 2) {
        throw Error(ExitCode::failure, "the installed mosquitto " + version +
                                           " reads only $6$ hashes; pass --broker-version and --hash sha512 "
                                           "if that is really the broker this file is for");
    }
    return major == 2 && minor == 0 ? BrokerVersion::v2_0 : BrokerVersion::v2_1;
}

std::optional<DetectedBroker> detect_installed_broker() {
    const auto program = find_broker_binary();
    if (!program) {
        return std::nullopt;
    }
    const auto output = run_banner(*program);
    if (!output) {
        return std::nullopt;
    }
    const auto version = parse_version_banner(*output);
    if (!version) {
        return std::nullopt;
    }
    return DetectedBroker{*version, *program};
}

void check_broker_version_name(const std::string& requested) {
    if (requested != "2.0" && requested != "2.1" && requested != "auto") {
        throw Error(ExitCode::usage, "--broker-version must be 2.0, 2.1 or auto, not '" + requested + "'");
    }
}

ResolvedProfile resolve_profile(const std::string& requested) {
    check_broker_version_name(requested);
    if (requested == "2.0") {
        return {BrokerVersion::v2_0, "--broker-version 2.0"};
    }
    if (requested == "2.1") {
        return {BrokerVersion::v2_1, "--broker-version 2.1"};
    }
    if (const auto broker = detect_installed_broker()) {
        return {profile_for_version(broker->version), "mosquitto " + broker->version + " at " + broker->program};
    }
    return {BrokerVersion::v2_0, "no mosquitto found; writing what every 2.x broker reads"};
}

}  // namespace mqpasswd
