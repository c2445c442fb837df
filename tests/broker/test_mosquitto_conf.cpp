#include "broker/mosquitto_conf.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace mqpasswd;

TEST_CASE("options, comments and include_dir in the broker's order", "[mosquitto_conf]") {
    const test::TempDir dir;
    std::filesystem::create_directory(dir.path() / "conf.d");
    test::write_file(dir.file("conf.d/b.conf"), "password_file /etc/b\n");
    test::write_file(dir.file("conf.d/a.conf"), "# first\n  allow_anonymous   false  \n");
    test::write_file(dir.file("conf.d/ignored.txt"), "password_file /nope\n");
    test::write_file(dir.file("mosquitto.conf"), "# Debian's layout\npid_file /run/m.pid\n\ninclude_dir " +
                                                     dir.file("conf.d") + "\nlistener 1883\nuser broker\n");
    const MosquittoConf conf = read_mosquitto_conf(dir.file("mosquitto.conf"));
    std::vector<std::string> keys;
    for (const auto& option : conf.options) {
        keys.push_back(option.key);
    }
    CHECK(keys ==
          std::vector<std::string>{"pid_file", "allow_anonymous", "password_file", "include_dir", "listener", "user"});
    CHECK(conf.options[1].value == "false");
    CHECK(conf.options[1].file == dir.file("conf.d/a.conf"));
    CHECK(conf.options[1].line == 2);
    CHECK(conf.last("user")->value == "broker");
    CHECK(conf.last("nothing") == nullptr);
    const auto settings = password_file_settings(conf);
    REQUIRE(settings.size() == 1);
    CHECK(settings[0]->value == "/etc/b");
}

TEST_CASE("2.1's plugin form names a password file too; a missing conf is an error", "[mosquitto_conf]") {
    const test::TempDir dir;
    test::write_file(dir.file("m.conf"), "global_plugin /usr/lib/mosquitto_password_file.so\n"
                                         "plugin_opt_password_file /etc/mosquitto/pw\n");
    const MosquittoConf conf = read_mosquitto_conf(dir.file("m.conf"));
    const auto settings = password_file_settings(conf);  // points into conf
    REQUIRE(settings.size() == 1);
    CHECK(settings[0]->key == "plugin_opt_password_file");
    CHECK_THROWS_AS(read_mosquitto_conf(dir.file("none.conf")), Error);
}
