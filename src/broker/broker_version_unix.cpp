// Broker detection by running the broker binary: its banner is the only version source that is
// there on every install (no pkg-config file, no version header at runtime). The answer is kept
// in the broker-version cache (broker_cache.hpp), so that the binary runs once, not every time.
#include "broker/broker_version.hpp"

#include "broker/broker_cache.hpp"
#include "broker/elf_linking.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/sys/spawn.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

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

std::optional<DetectedBroker> ask_banner(const std::string& program) {
    const auto output = run_banner(program);
    if (!output) {
        return std::nullopt;
    }
    const auto version = parse_version_banner(*output);
    if (!version) {
        return std::nullopt;
    }
    return DetectedBroker{*version, program};
}

// The broker-version cache's answer for this program file, or the program's own (remembered when
// `cache` allows and the file did not change while it answered: the answer is then surely its).
std::optional<DetectedBroker> remembered_or_asked(const std::string& program, const struct stat& identity,
                                                  DetectionCache cache) {
    const auto cache_home = broker_cache_home();
    if (cache_home) {
        if (auto version = cached_broker_version(*cache_home, program, identity)) {
            return DetectedBroker{std::move(*version), program};
        }
    }
    auto answer = ask_banner(program);
    struct stat after {};
    if (answer && cache_home && cache == DetectionCache::read_write && ::stat(program.c_str(), &after) == 0 &&
        same_program_file(identity, after)) {
        (void)store_broker_version(*cache_home, program, identity, answer->version);
    }
    return answer;
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

std::optional<std::string> find_password_file_plugin() {
    const auto program = find_broker_program();
    if (!program) {
        return std::nullopt;
    }
    const std::string bin = program->substr(0, program->rfind('/'));
    const std::string prefix = bin.substr(0, bin.rfind('/'));
    std::vector<std::string> candidates;
    glob_t found{};
    if (::glob((prefix + "/lib/*/mosquitto/mosquitto_password_file.so").c_str(), 0, nullptr, &found) == 0) {
        candidates.assign(found.gl_pathv, found.gl_pathv + found.gl_pathc);
    }
    ::globfree(&found);
    candidates.push_back(prefix + "/lib/mosquitto/mosquitto_password_file.so");
    candidates.push_back(prefix + "/lib/mosquitto_password_file.so");
    for (const auto& candidate : candidates) {
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && !untrusted_program_problem(candidate)) {
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

std::optional<DetectedBroker> detect_installed_broker(DetectionCache cache) {
    const auto program = find_broker_program();
    if (!program) {
        return std::nullopt;
    }
    // Once per process: `set --reload` and the compat front ask twice (the hash, then the reload).
    // Keyed, as the file cache is, by the program file itself, so a different or changed program
    // is asked again.
    struct Answer {
        std::string program;
        struct stat identity {};
        std::optional<DetectedBroker> broker;
    };
    static std::optional<Answer> cached;
    struct stat info {};
    if (::stat(program->c_str(), &info) != 0) {
        return std::nullopt;
    }
    if (cached && cached->program == *program && same_program_file(cached->identity, info)) {
        return cached->broker;
    }
    cached = Answer{*program, info, remembered_or_asked(*program, info, cache)};
    return cached->broker;
}

Argon2Support argon2_support_of(const std::string& program) {
    const auto linking = read_elf_linking(program);
    if (!linking || !linking->dynamic) {
        return Argon2Support::unknown;
    }
    bool own_library = false;
    for (const auto& name : linking->needed) {
        if (name.starts_with("libargon2.so")) {
            return Argon2Support::yes;
        }
        own_library = own_library || name.starts_with("libmosquitto");
    }
    return own_library ? Argon2Support::unknown : Argon2Support::no;
}

void check_broker_version_name(const std::string& requested) {
    if (requested != "2.0" && requested != "2.1" && requested != "auto") {
        throw Error(ExitCode::usage, "--broker-version must be 2.0, 2.1 or auto, not '" + requested + "'");
    }
}

void check_broker_argon2_name(const std::string& requested) {
    if (requested != "yes" && requested != "no" && requested != "auto") {
        throw Error(ExitCode::usage, "--broker-argon2 must be yes, no or auto, not '" + requested + "'");
    }
}

namespace {

ResolvedProfile resolve_version(const std::string& requested, DetectionCache cache) {
    if (requested == "2.0") {
        return {broker_2_0, "--broker-version 2.0"};
    }
    if (requested == "2.1") {
        return {{BrokerVersion::v2_1, Argon2Support::unknown}, "--broker-version 2.1"};
    }
    if (const auto broker = detect_installed_broker(cache)) {
        const BrokerVersion version = profile_for_version(broker->version);
        ResolvedProfile profile{{version, Argon2Support::no},
                                "mosquitto " + broker->version + " at " + broker->program};
        if (version == BrokerVersion::v2_1) {
            const Argon2Support argon2 = argon2_support_of(broker->program);
            profile.target.argon2 = argon2;
            profile.reason += argon2 == Argon2Support::yes  ? " (with libargon2)"
                              : argon2 == Argon2Support::no ? " (without libargon2)"
                                                            : " (libargon2 unknown)";
        }
        return profile;
    }
    return {broker_2_0, "no mosquitto found; writing what every 2.x broker reads"};
}

}  // namespace

ResolvedProfile resolve_profile(const std::string& version, const std::string& argon2, DetectionCache cache) {
    check_broker_version_name(version);
    check_broker_argon2_name(argon2);
    ResolvedProfile profile = resolve_version(version, cache);
    if (argon2 == "auto" || profile.target.version == BrokerVersion::v2_0) {
        if (argon2 == "yes") {
            throw Error(ExitCode::usage, "--broker-argon2 yes needs a 2.1 target, and the target broker is 2.0 (" +
                                             profile.reason + "); use --broker-version 2.1 if the broker is 2.1");
        }
        return profile;
    }
    profile.target.argon2 = argon2 == "yes" ? Argon2Support::yes : Argon2Support::no;
    profile.reason += ", --broker-argon2 " + argon2;
    return profile;
}

}  // namespace mqpasswd
