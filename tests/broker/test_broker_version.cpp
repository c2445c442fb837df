#include "broker/broker_version.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

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

TEST_CASE("explicit profiles need no broker, bad names are usage errors", "[broker_version]") {
    CHECK(resolve_profile("2.0").target.version == BrokerVersion::v2_0);
    CHECK(resolve_profile("2.1").target == BrokerTarget{BrokerVersion::v2_1, Argon2Support::unknown});
    CHECK(resolve_profile("2.1", "yes").target == BrokerTarget{BrokerVersion::v2_1, Argon2Support::yes});
    CHECK(resolve_profile("2.1", "no").target == BrokerTarget{BrokerVersion::v2_1, Argon2Support::no});
    CHECK(resolve_profile("2.0", "no").target == broker_2_0);
    CHECK(resolve_profile("2.1", "yes").reason == "--broker-version 2.1, --broker-argon2 yes");
    CHECK_THROWS_AS(resolve_profile("2.0", "yes"), Error);
    CHECK_THROWS_AS(resolve_profile("2.1", "maybe"), Error);
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
    CHECK(fallback.target.version == BrokerVersion::v2_0);
    CHECK(fallback.reason == "no mosquitto found; writing what every 2.x broker reads");
}

namespace {

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        value != nullptr ? ::setenv(name, value, 1) : ::unsetenv(name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

std::string script(const test::TempDir& dir, const std::string& name, const std::string& body) {
    const std::string path = dir.file(name);
    test::write_file(path, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return path;
}

}  // namespace

TEST_CASE("MQPASSWD_MOSQUITTO names the broker program by an absolute path only", "[broker_version]") {
    const ScopedEnv relative("MQPASSWD_MOSQUITTO", "bin/mosquitto");
    std::string message;
    CHECK(test::error_code_of([] { (void)find_broker_program(); }, message) == ExitCode::failure);
    CHECK(message == "MQPASSWD_MOSQUITTO must be an absolute path, not 'bin/mosquitto'");
}

TEST_CASE("without MQPASSWD_MOSQUITTO the broker program comes from an absolute PATH entry", "[broker_version]") {
    const ScopedEnv unset("MQPASSWD_MOSQUITTO", nullptr);
    const auto program = find_broker_program();
    REQUIRE(program);
    CHECK(program->starts_with('/'));
    CHECK(program->ends_with("/mosquitto"));
    if (::geteuid() != 0) {
        return;  // a user's relative PATH entries are the user's own business
    }
    // As root, a mosquitto in the working directory is never chosen, whatever PATH says.
    const test::TempDir dir;
    std::filesystem::create_directory(dir.path() / "bin");
    (void)script(dir, "bin/mosquitto", "echo 'mosquitto version 9.9.9'\n");
    (void)script(dir, "mosquitto", "echo 'mosquitto version 9.9.9'\n");
    const auto before = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    const ScopedEnv path("PATH", "bin::/nonexistent");
    const auto found = find_broker_program();
    std::filesystem::current_path(before);
    CHECK(found == std::optional<std::string>("/usr/sbin/mosquitto"));
}

TEST_CASE("the version probe is bounded: a mosquitto that never exits is killed at the limit", "[broker_version]") {
    const test::TempDir dir;
    const ScopedEnv probe("MQPASSWD_MOSQUITTO",
                          script(dir, "mosquitto", "echo 'mosquitto version 2.1.2'\nexec sleep 60\n").c_str());
    const auto started = std::chrono::steady_clock::now();
    const auto detected = detect_installed_broker();
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(detected);
    CHECK(detected->version == "2.1.2");
    CHECK(took < std::chrono::seconds(8));
}
