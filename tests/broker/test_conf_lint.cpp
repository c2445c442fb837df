#include "broker/conf_lint.hpp"
#include "broker/conf_scopes.hpp"
#include "broker/mosquitto_conf.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <filesystem>

using namespace mqpasswd;

namespace {

constexpr BrokerTarget broker_2_1{BrokerVersion::v2_1, Argon2Support::no};

MosquittoConf conf_of(const test::TempDir& dir, const std::string& text) {
    test::write_file(dir.file("m.conf"), text);
    return read_mosquitto_conf(dir.file("m.conf"));
}

bool local_only(const test::TempDir& dir, const std::string& text) {
    const MosquittoConf conf = conf_of(dir, text);
    return conf_scopes(conf).local_only();
}

std::vector<std::string> messages(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& finding : findings) {
        out.push_back((finding.severity == Severity::error ? "error: " : "warning: ") + finding.message);
    }
    return out;
}

}  // namespace

TEST_CASE("local only mode: no listener, port or bind_address", "[conf_lint]") {
    const test::TempDir dir;
    CHECK(local_only(dir, "allow_anonymous false\npassword_file /p\n"));
    CHECK_FALSE(local_only(dir, "listener 1883\n"));
    const MosquittoConf port_conf = conf_of(dir, "allow_anonymous false\nport 1884\n");
    const ConfScopes port = conf_scopes(port_conf);
    CHECK_FALSE(port.local_only());
    REQUIRE(port.default_listener != nullptr);
    CHECK(port.default_listener->value == "1884");
    CHECK_FALSE(local_only(dir, "bind_address 127.0.0.1\n"));
    const auto findings = lint_conf(conf_of(dir, "password_file " + dir.file("pw") + "\n"), dir.file("pw"), broker_2_0);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].message.find("local only mode") != std::string::npos);
    CHECK(findings[0].message.find("--listener PORT") != std::string::npos);
}

TEST_CASE("listeners carry their port, address and the options after them", "[conf_lint]") {
    const test::TempDir dir;
    const MosquittoConf conf =
        conf_of(dir, "per_listener_settings true\nlistener 1883\npassword_file /a\nlistener 8883 10.0.0.1\n"
                     "allow_anonymous false\npassword_file /b\n");
    const ConfScopes scopes = conf_scopes(conf);
    CHECK(scopes.per_listener_settings);
    REQUIRE(scopes.listeners.size() == 2);
    CHECK(scopes.listeners[0].port == "1883");
    CHECK(scopes.listeners[0].address.empty());
    CHECK(scopes.listeners[1].port == "8883");
    CHECK(scopes.listeners[1].address == "10.0.0.1");
    CHECK(scopes.listeners[1].options.size() == 2);
    CHECK(scopes.security_scopes(conf).size() == 3);  // the options before the first listener, then each
    CHECK(start_problems(conf, broker_2_0).empty());  // one password_file per listener is fine
}

TEST_CASE("a second password_file in one scope: 2.0 refuses to start, 2.1 takes the last", "[conf_lint]") {
    const test::TempDir dir;
    std::filesystem::create_directory(dir.path() / "conf.d");
    test::write_file(dir.file("conf.d/mine.conf"), "password_file " + dir.file("other") + "\n");
    const MosquittoConf conf =
        conf_of(dir, "listener 1883\npassword_file " + dir.file("pw") + "\ninclude_dir " + dir.file("conf.d") + "\n");
    const std::string second =
        dir.file("conf.d/mine.conf") + ":1: a second password_file (the first is at " + dir.file("m.conf") + ":2): ";
    CHECK(messages(start_problems(conf, broker_2_0)) ==
          std::vector<std::string>{"error: " + second +
                                   "a 2.0 broker refuses to start (\"Duplicate password_file "
                                   "value\")"});
    CHECK(messages(start_problems(conf, broker_2_1)) ==
          std::vector<std::string>{"warning: " + second + "a 2.1 broker uses only this one"});
    const MosquittoConf same = conf_of(dir, "listener 1883\npassword_file /p\npassword_file /p\n");
    CHECK(start_problems(same, broker_2_0).size() == 1);
    CHECK(start_problems(same, broker_2_1).empty());  // the same file twice changes nothing for 2.1
    const MosquittoConf per_listener =
        conf_of(dir, "per_listener_settings true\nlistener 1\npassword_file /p\nlistener 2\npassword_file /p\n"
                     "password_file /p\n");
    const auto findings = start_problems(per_listener, broker_2_0);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.rfind(
              dir.file("m.conf") + ":6: a second password_file (the first is at " + dir.file("m.conf") + ":5)", 0) ==
          0);
}

TEST_CASE("a planned text stands in for a file, and a planned include_dir file is read in order", "[conf_lint]") {
    const test::TempDir dir;
    std::filesystem::create_directory(dir.path() / "conf.d");
    test::write_file(dir.file("conf.d/b.conf"), "allow_anonymous true\n");
    test::write_file(dir.file("m.conf"), "include_dir " + dir.file("conf.d") + "\n");
    const ConfOverlay planned = {{dir.file("conf.d/a.conf"), "password_file /new\n"},
                                 {dir.file("m.conf"), "listener 1883\ninclude_dir " + dir.file("conf.d") + "\n"}};
    const MosquittoConf conf = read_mosquitto_conf(dir.file("m.conf"), planned);
    std::vector<std::string> keys;
    for (const auto& option : conf.options) {
        keys.push_back(option.key + "@" + std::filesystem::path(option.file).filename().string());
    }
    CHECK(keys == std::vector<std::string>{"listener@m.conf", "password_file@a.conf", "allow_anonymous@b.conf",
                                           "include_dir@m.conf"});
    CHECK_FALSE(std::filesystem::exists(dir.file("conf.d/a.conf")));  // read, never written
}

TEST_CASE("2.0's default listener: port, bind_address, listener options, and security options per listener",
          "[conf_lint]") {
    const test::TempDir dir;
    const MosquittoConf lone_conf = conf_of(dir, "max_connections 100\npassword_file /p\n");
    const ConfScopes lone = conf_scopes(lone_conf);
    REQUIRE(lone.default_listener != nullptr);
    CHECK(lone.default_listener->key == "max_connections");
    CHECK(lone.default_port == "1883");
    CHECK_FALSE(lone.local_only());
    // Without per_listener_settings a security option is global, and opens nothing.
    CHECK(local_only(dir, "allow_anonymous true\npassword_file /p\n"));
    // With it (read in order), it is the default listener's.
    const MosquittoConf per_conf = conf_of(dir, "per_listener_settings true\nallow_anonymous true\nport 1884\n"
                                                "listener 18881\nmax_connections 5\n");
    const ConfScopes per = conf_scopes(per_conf);
    REQUIRE(per.default_scope());
    CHECK(per.default_scope()->port == "1884");
    CHECK(per.default_scope()->options.size() == 3);
    CHECK(per.default_listener->key == "allow_anonymous");
    CHECK(local_only(dir, "allow_anonymous true\nper_listener_settings true\n"));
    CHECK(port_number("09999") == 9999u);
    CHECK(port_number("0") == 0u);
    CHECK_FALSE(port_number("65536"));
    CHECK_FALSE(port_number("-1"));
    CHECK_FALSE(port_number(""));
}

TEST_CASE("a line the broker splits differently is a start problem", "[conf_lint]") {
    const test::TempDir dir;
    const MosquittoConf conf = conf_of(dir, "listener 1883\n  # indented\n\tlog_type all\nlog_type\tall\n  user x\n"
                                            "   \n");
    std::vector<std::string> keys;
    for (const auto& option : conf.options) {
        keys.push_back(option.key);
    }
    CHECK(keys == std::vector<std::string>{"listener", "#", "\tlog_type", "log_type\tall", "user"});
    CHECK(start_problems(conf, broker_2_0).size() == 3);
    CHECK(is_option_name("ciphers_tls1.3"));
    CHECK_FALSE(is_option_name("Listener"));
}

TEST_CASE("2.1 refuses listener options before the first listener, and security ones per listener", "[conf_lint]") {
    const test::TempDir dir;
    const MosquittoConf conf = conf_of(dir, "mount_point x/\nper_listener_settings true\nallow_anonymous false\n"
                                            "listener 1883\nmount_point y/\npassword_file /p\n");
    const auto findings = messages(start_problems(conf, broker_2_1));
    REQUIRE(findings.size() == 2);
    CHECK(findings[0] == "error: " + dir.file("m.conf") +
                             ":1: mount_point before the first listener: a 2.1 broker refuses to start (\"requires a "
                             "listener to be defined first\")");
    CHECK(findings[1].find(":3: allow_anonymous before the first listener") != std::string::npos);
    CHECK(start_problems(conf, broker_2_0).empty());  // 2.0 gives them to its default listener
    const MosquittoConf global = conf_of(dir, "allow_anonymous false\nlistener 1883\n");
    CHECK(start_problems(global, broker_2_1).empty());
}
