// Target profiles. The default cost is what Mosquitto 2.1 writes (1000 PBKDF2 iterations); more is
// possible with --iterations, but the broker pays it on every login, so it is never raised silently.
#include "core/pwfile/profile.hpp"

#include "core/error.hpp"

namespace mqpasswd {
namespace {

constexpr std::size_t salt_length_2_0 = 12;  // the only length a 2.0 broker decodes
constexpr std::size_t salt_length_2_1 = 64;  // what 2.1's mosquitto_passwd writes

}  // namespace

std::string_view broker_version_name(BrokerVersion version) noexcept {
    return version == BrokerVersion::v2_0 ? "2.0" : "2.1";
}

std::string_view argon2_support_name(Argon2Support support) noexcept {
    switch (support) {
    case Argon2Support::yes:
        return "yes";
    case Argon2Support::no:
        return "no";
    case Argon2Support::unknown:
        break;
    }
    return "unknown";
}

std::string argon2_problem(const BrokerTarget& broker) {
    if (broker.version == BrokerVersion::v2_0) {
        return "argon2id needs a Mosquitto 2.1 broker built with libargon2; the target broker is 2.0 "
               "(use --broker-version 2.1 if the broker that reads this file is 2.1)";
    }
    switch (broker.argon2) {
    case Argon2Support::yes:
        return {};
    case Argon2Support::no:
        return "argon2id needs a Mosquitto 2.1 broker built with libargon2, and the target broker is built "
               "without it (as Debian's and the Docker image's 2.1 are): it would stop at an argon2id line";
    case Argon2Support::unknown:
        break;
    }
    return "argon2id needs a Mosquitto 2.1 broker built with libargon2, and nothing says the target broker is "
           "(Debian's and the Docker image's 2.1 are not, and stop at an argon2id line); pass --broker-argon2 yes "
           "if it is";
}

HashSpec target_spec(const BrokerTarget& broker, const HashRequest& request, std::string_view why_target) {
    HashSpec spec;
    spec.algorithm = request.algorithm.value_or(Algorithm::sha512_pbkdf2);
    spec.salt_length = broker.version == BrokerVersion::v2_0 ? salt_length_2_0 : salt_length_2_1;
    if (spec.algorithm == Algorithm::argon2id) {
        if (std::string problem = argon2_problem(broker); !problem.empty()) {
            if (!why_target.empty()) {
                problem += " (target: " + std::string(why_target) + ")";
            }
            throw Error(ExitCode::usage, problem);
        }
    }
    if (request.iterations && spec.algorithm != Algorithm::sha512_pbkdf2) {
        throw Error(ExitCode::usage, "--iterations applies only to --hash sha512-pbkdf2");
    }
    spec.iterations = request.iterations.value_or(default_iterations);
    if (spec.iterations < 1) {
        throw Error(ExitCode::usage, "--iterations must be at least 1");
    }
    if (spec.algorithm == Algorithm::argon2id) {
        spec.salt_length = salt_length_2_1;
    }
    return spec;
}

bool readable_by(const HashInfo& info, const BrokerTarget& broker) noexcept {
    switch (info.kind) {
    case HashKind::sha512:
    case HashKind::sha512_pbkdf2:
        return info.salt_length == salt_length_2_0 ||
               (broker.version == BrokerVersion::v2_1 && info.salt_length == salt_length_2_1);
    case HashKind::argon2id:
        return broker.version == BrokerVersion::v2_1 && broker.argon2 == Argon2Support::yes;
    case HashKind::plain_text:
    case HashKind::unknown:
    case HashKind::invalid:
        break;
    }
    return false;
}

bool meets_target(const HashInfo& info, const HashSpec& target, const BrokerTarget& broker) noexcept {
    if (!readable_by(info, broker)) {
        return false;
    }
    switch (target.algorithm) {
    case Algorithm::sha512:
        return info.kind == HashKind::sha512;
    case Algorithm::sha512_pbkdf2:
        return info.kind == HashKind::sha512_pbkdf2 && info.iterations >= target.iterations;
    case Algorithm::argon2id:
        return info.kind == HashKind::argon2id && info.argon2.memory_kib >= target.argon2.memory_kib &&
               info.argon2.time_cost >= target.argon2.time_cost;
    }
    return false;
}

}  // namespace mqpasswd
