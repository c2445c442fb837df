#include "core/error.hpp"
#include "core/pwfile/profile.hpp"
#include "support/broker_targets.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

namespace {
HashInfo info(HashKind kind, std::size_t salt, std::uint32_t iterations = 1000) {
    HashInfo result;
    result.kind = kind;
    result.salt_length = salt;
    result.iterations = iterations;
    return result;
}
}  // namespace

TEST_CASE("the 2.0 profile writes what a 2.0 broker reads", "[profile]") {
    const HashSpec spec = target_spec(test::v2_0, {});
    CHECK(spec.algorithm == Algorithm::sha512_pbkdf2);
    CHECK(spec.salt_length == 12);
    CHECK(spec.iterations == 1000);
    CHECK(target_spec(test::v2_0, {Algorithm::sha512, {}}).salt_length == 12);
    CHECK_THROWS_AS(target_spec(test::v2_0, {Algorithm::argon2id, {}}), Error);
}

TEST_CASE("the 2.1 profile writes 64-byte salts and allows argon2id", "[profile]") {
    CHECK(target_spec(test::v2_1, {}).salt_length == 64);
    const HashSpec argon = target_spec(test::v2_1, {Algorithm::argon2id, {}});
    CHECK(argon.algorithm == Algorithm::argon2id);
    CHECK(argon.argon2.memory_kib == 47104);
    CHECK(target_spec(test::v2_1, {{}, 210000}).iterations == 210000);
}

TEST_CASE("argon2id is written only for a 2.1 broker known to be built with libargon2", "[profile]") {
    const auto refusal = [](const BrokerTarget& broker) {
        try {
            (void)target_spec(broker, {Algorithm::argon2id, {}}, "mosquitto 2.1.2 at /usr/sbin/mosquitto");
        } catch (const Error& error) {
            CHECK(error.code() == ExitCode::usage);
            return error.message();
        }
        return std::string("written");
    };
    CHECK(refusal(test::v2_1) == "written");
    CHECK(refusal(test::v2_1_no_argon2).find("built without it") != std::string::npos);
    CHECK(refusal(test::v2_1_no_argon2).ends_with("(target: mosquitto 2.1.2 at /usr/sbin/mosquitto)"));
    CHECK(refusal(test::v2_1_unknown_argon2).find("pass --broker-argon2 yes") != std::string::npos);
    CHECK(refusal(test::v2_0).find("the target broker is 2.0") != std::string::npos);
    for (const BrokerTarget& broker : {test::v2_1_no_argon2, test::v2_1_unknown_argon2}) {
        CHECK(target_spec(broker, {}).salt_length == 64);  // everything else is as for 2.1
        CHECK_FALSE(readable_by(info(HashKind::argon2id, 64), broker));
        CHECK(readable_by(info(HashKind::sha512_pbkdf2, 64), broker));
        CHECK_FALSE(argon2_problem(broker).empty());
    }
    CHECK(argon2_problem(test::v2_1).empty());
}

TEST_CASE("the iterations option goes only with sha512-pbkdf2", "[profile]") {
    try {
        (void)target_spec(test::v2_1, {Algorithm::sha512, 5000});
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        CHECK(error.message() == "--iterations applies only to --hash sha512-pbkdf2");
    }
}

TEST_CASE("readable_by follows the brokers' salt rules", "[profile]") {
    CHECK(readable_by(info(HashKind::sha512_pbkdf2, 12), test::v2_0));
    CHECK_FALSE(readable_by(info(HashKind::sha512_pbkdf2, 64), test::v2_0));
    CHECK(readable_by(info(HashKind::sha512_pbkdf2, 64), test::v2_1));
    CHECK_FALSE(readable_by(info(HashKind::sha512, 64), test::v2_0));
    CHECK_FALSE(readable_by(info(HashKind::argon2id, 64), test::v2_0));
    CHECK(readable_by(info(HashKind::argon2id, 64), test::v2_1));
    CHECK_FALSE(readable_by(info(HashKind::plain_text, 0), test::v2_1));
}

TEST_CASE("meets_target keeps a good-enough hash and flags weaker or unreadable ones", "[profile]") {
    const HashSpec target20 = target_spec(test::v2_0, {});
    CHECK(meets_target(info(HashKind::sha512_pbkdf2, 12, 1000), target20, test::v2_0));
    CHECK(meets_target(info(HashKind::sha512_pbkdf2, 12, 5000), target20, test::v2_0));
    CHECK_FALSE(meets_target(info(HashKind::sha512_pbkdf2, 12, 101), target20, test::v2_0));
    CHECK_FALSE(meets_target(info(HashKind::sha512_pbkdf2, 64, 1000), target20, test::v2_0));
    CHECK_FALSE(meets_target(info(HashKind::sha512, 12), target20, test::v2_0));
    const HashSpec target21 = target_spec(test::v2_1, {});
    CHECK(meets_target(info(HashKind::sha512_pbkdf2, 12, 1000), target21, test::v2_1));
}
