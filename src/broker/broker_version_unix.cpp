// Broker detection by running the broker binary: its banner is the only version source that is
// there on every install (no pkg-config file, no version header at runtime).
#include "broker/broker_version.hpp"

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/spawn.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr auto detection_timeout = std::chrono::seconds(5);

bool is_executable(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> configured_program(const std::string& configured) {
    if (!configured.starts_with('/')) {
        throw Error(ExitCode::failure, "MQPASSWD_MOSQUITTO must be an absolute path, not " + quoted_name(configured));
    }
    if (!is_executable(configured)) {
        return std::nullopt;  // as with no mosquitto installed: the profile falls back to 2.0
    }
    if (const auto problem = untrusted_program_problem(configured)) {
        throw Error(ExitCode::failure, *problem + "; not running it as root", "MQPASSWD_MOSQUITTO");
    }
    return configured;
}

std::optional<std::string> run_banner(const std::string& program) {
    ChildRequest request;
    request.program = program;
    request.args = {"-h"};
    request.output = ChildOutput::capture_stdout;
    request.time_limit = detection_timeout;
    ChildResult result = run_child(request);
    if (result.spawn_errno != 0) {
        return std::nullopt;
    }
    return std::move(result.output);  // `mosquitto -h` exits 3 after its banner: the status says nothing
}

}  // namespace

std::optional<std::string> find_broker_program() {
    if (const char* configured = std::getenv("MQPASSWD_MOSQUITTO"); configured != nullptr && *configured != '\0') {
        return configured_program(configured);
    }
    const bool as_root = ::geteuid() == 0;
    std::string search = "/usr/sbin:/usr/local/sbin";
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        search = std::string(path) + ':' + search;
    }
    for (std::size_t start = 0; start <= search.size();) {
        const std::size_t end = std::min(search.find(':', start), search.size());
        const std::string directory = search.substr(start, end - start);
        start = end + 1;
        if (directory.empty() || (as_root && !directory.starts_with('/'))) {
            continue;  // a relative entry is in the working directory, which may be anyone's
        }
        const std::string candidate = directory + "/mosquitto";
        if (is_executable(candidate) && !untrusted_program_problem(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

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
    const auto program = find_broker_program();
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
