#include "broker/broker_version.hpp"
#include "core/error.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace mqpasswd;

TEST_CASE("the banner of mosquitto -h gives the version", "[broker_version]") {
    CHECK(parse_version_banner("mosquitto version 2.0.11\n\nmosquitto is an MQTT v5.0/v3.1.1/v3.1 broker.\n") ==
          "2.0.11");
    CHECK(parse_version_banner("mosquitto version 2.1.2\r\n") == "2.1.2");
    CHECK_FALSE(parse_version_banner("Usage: something else"));
    CHECK_FALSE(parse_version_banner("mosquitto version \n"));
    CHECK_FALSE(parse_version_banner("mosquitto version abc\n"));
}

TEST_CASE("versions map to profiles", "[broker_version]") {
    CHECK(profile_for_version("2.0.11") == BrokerVersion::v2_0);
    CHECK(profile_for_version("2.0.22") == BrokerVersion::v2_0);
    CHECK(profile_for_version("2.1.0") == BrokerVersion::v2_1);
    CHECK(profile_for_version("2.1.2") == BrokerVersion::v2_1);
    CHECK(profile_for_version("3.0") == BrokerVersion::v2_1);
    CHECK_THROWS_AS(profile_for_version("1.6.15"), Error);
}

TEST_CASE("explicit profiles need no broker; bad names are usage errors", "[broker_version]") {
    CHECK(resolve_profile("2.0").version == BrokerVersion::v2_0);
    CHECK(resolve_profile("2.1").version == BrokerVersion::v2_1);
    try {
        (void)resolve_profile("2.2");
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
    }
}

TEST_CASE("auto asks the installed broker, and falls back to 2.0 without one", "[broker_version]") {
    // Debian 12's mosquitto package is 2.0.11; the test suite installs it.
    const auto detected = detect_installed_broker();
    REQUIRE(detected);
    CHECK(detected->version.rfind("2.", 0) == 0);
    CHECK(resolve_profile("auto").reason.find("mosquitto " + detected->version) == 0);
    ::setenv("MQPASSWD_MOSQUITTO", "/nonexistent/mosquitto", 1);
    const ResolvedProfile fallback = resolve_profile("auto");
    ::unsetenv("MQPASSWD_MOSQUITTO");
    CHECK(fallback.version == BrokerVersion::v2_0);
    CHECK(fallback.reason == "no mosquitto found; writing what every 2.x broker reads");
}
