// Target profiles. The default cost is what Mosquitto 2.1 writes (1000 PBKDF2 iterations); more is
// possible with --iterations, but the broker pays it on every login, so it is never raised silently.
#include "core/profile.hpp"

#include "core/error.hpp"

namespace mqpasswd {
namespace {

constexpr std::size_t salt_length_2_0 = 12;  // the only length a 2.0 broker decodes
constexpr std::size_t salt_length_2_1 = 64;  // what 2.1's mosquitto_passwd writes

}  // namespace

std::string_view broker_version_name(BrokerVersion version) noexcept {
    return version == BrokerVersion::v2_0 ? "2.0" : "2.1";
}

HashSpec target_spec(BrokerVersion broker, const HashRequest& request) {
    HashSpec spec;
    spec.algorithm = request.algorithm.value_or(Algorithm::sha512_pbkdf2);
    spec.salt_length = broker == BrokerVersion::v2_0 ? salt_length_2_0 : salt_length_2_1;
    if (spec.algorithm == Algorithm::argon2id && broker == BrokerVersion::v2_0) {
        throw Error(ExitCode::usage,
                    "argon2id needs a Mosquitto 2.1 broker built with libargon2; the target broker is 2.0 "
                    "(use --broker-version 2.1 if the broker that reads this file is 2.1)");
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

bool readable_by(const HashInfo& info, BrokerVersion broker) noexcept {
    switch (info.kind) {
    case HashKind::sha512:
    case HashKind::sha512_pbkdf2:
        return info.salt_length == salt_length_2_0 ||
               (broker == BrokerVersion::v2_1 && info.salt_length == salt_length_2_1);
    case HashKind::argon2id:
        return broker == BrokerVersion::v2_1;
    case HashKind::plain_text:
    case HashKind::unknown:
    case HashKind::invalid:
        break;
    }
    return false;
}

bool meets_target(const HashInfo& info, const HashSpec& target, BrokerVersion broker) noexcept {
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
