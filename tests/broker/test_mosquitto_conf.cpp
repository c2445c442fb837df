#include "broker/mosquitto_conf.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

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

TEST_CASE("2.1's plugin form names a password file too, a missing conf is an error", "[mosquitto_conf]") {
    const test::TempDir dir;
    test::write_file(dir.file("m.conf"), "global_plugin /usr/lib/mosquitto_password_file.so\n"
                                         "plugin_opt_password_file /etc/mosquitto/pw\n");
    const MosquittoConf conf = read_mosquitto_conf(dir.file("m.conf"));
    const auto settings = password_file_settings(conf);  // points into conf
    REQUIRE(settings.size() == 1);
    CHECK(settings[0]->key == "plugin_opt_password_file");
    CHECK_THROWS_AS(read_mosquitto_conf(dir.file("none.conf")), Error);
}

namespace {
std::string refusal(const std::string& path) {
    std::string message;
    CHECK(test::error_code_of([&] { (void)read_mosquitto_conf(path); }, message) == ExitCode::failure);
    return message;
}

std::string repeated(const std::string& line, std::size_t count) {
    std::string text;
    text.reserve(line.size() * count);
    for (std::size_t i = 0; i < count; ++i) {
        text += line;
    }
    return text;
}
}  // namespace

TEST_CASE("a configuration over 16 MiB is refused before it is read", "[mosquitto_conf]") {
    const test::TempDir dir;
    // Sparse files: NULs and no newline, so a reader that looked at the text would stop at the
    // line length instead.
    test::write_file(dir.file("huge.conf"), "");
    std::filesystem::resize_file(dir.file("huge.conf"), max_conf_bytes + 1);
    CHECK(refusal(dir.file("huge.conf")) ==
          dir.file("huge.conf") + ": is over 16 MiB, larger than any mosquitto.conf; refusing to read it");

    std::filesystem::create_directory(dir.path() / "conf.d");
    const std::string main_text = "include_dir " + dir.file("conf.d") + "\n";
    test::write_file(dir.file("main.conf"), main_text);
    test::write_file(dir.file("conf.d/big.conf"), "");
    std::filesystem::resize_file(dir.file("conf.d/big.conf"), max_conf_bytes - main_text.size() + 1);
    CHECK(refusal(dir.file("main.conf")) ==
          dir.file("conf.d/big.conf") +
              ": the configuration passes 16 MiB with this include_dir file; refusing to read it");
}

TEST_CASE("a configuration over 4 GiB is refused by its size, which no 32-bit size wraps", "[mosquitto_conf]") {
    const test::TempDir dir;
    test::write_file(dir.file("wrapping.conf"), "");
    std::filesystem::resize_file(dir.file("wrapping.conf"), (std::uintmax_t{1} << 32) + 10);  // 10 as a uint32
    CHECK(refusal(dir.file("wrapping.conf")) == dir.file("wrapping.conf") + ": file is larger than 1 GiB");
}

TEST_CASE("a line over 64 KiB is refused with its file and line", "[mosquitto_conf]") {
    const test::TempDir dir;
    test::write_file(dir.file("ok.conf"), "user a\n# " + std::string(max_conf_line_length - 2, 'x') + "\n");
    CHECK(read_mosquitto_conf(dir.file("ok.conf")).options.size() == 1);
    test::write_file(dir.file("long.conf"), "user a\nuser " + std::string(max_conf_line_length, 'x'));
    CHECK(refusal(dir.file("long.conf")) ==
          dir.file("long.conf") + ":2: line is over 64 KiB, longer than any mosquitto.conf line; refusing it");
    CHECK_THROWS_AS(parse_conf_lines(std::string(max_conf_line_length + 1, 'x'), "fuzz"), Error);
}

TEST_CASE("more than 100,000 lines in all are refused, include_dir files counted", "[mosquitto_conf]") {
    const test::TempDir dir;
    test::write_file(dir.file("full.conf"), repeated("# c\n", max_conf_lines - 1) + "user a");
    CHECK(read_mosquitto_conf(dir.file("full.conf")).options.size() == 1);
    test::write_file(dir.file("over.conf"), repeated("a b\n", max_conf_lines + 1));
    CHECK(refusal(dir.file("over.conf")) ==
          dir.file("over.conf") + ":100001: more than 100000 lines of configuration (include_dir files count); "
                                  "refusing to read more");

    std::filesystem::create_directory(dir.path() / "conf.d");
    test::write_file(dir.file("conf.d/a.conf"), repeated("\n", max_conf_lines - 1));
    test::write_file(dir.file("main.conf"), "include_dir " + dir.file("conf.d") + "\nuser a\n");
    CHECK(refusal(dir.file("main.conf")) ==
          dir.file("main.conf") + ":2: more than 100000 lines of configuration (include_dir files count); "
                                  "refusing to read more");
}

TEST_CASE("include_dir: at most 1000 files, and only in the main file as for the broker", "[mosquitto_conf]") {
    const test::TempDir dir;
    std::filesystem::create_directory(dir.path() / "conf.d");
    for (int i = 0; i < 1000; ++i) {
        test::write_file(dir.file("conf.d/" + std::to_string(i) + ".conf"), "user u" + std::to_string(i) + "\n");
    }
    test::write_file(dir.file("conf.d/not-conf.txt"), "");  // only *.conf files count
    test::write_file(dir.file("main.conf"), "# mine\ninclude_dir " + dir.file("conf.d") + "\n");
    CHECK(read_mosquitto_conf(dir.file("main.conf")).options.size() == 1001);
    test::write_file(dir.file("conf.d/1000.conf"), "");
    CHECK(refusal(dir.file("main.conf")) == dir.file("main.conf") + ":2: include_dir " + dir.file("conf.d") +
                                                " holds more than 1000 .conf files; refusing to read them");

    std::filesystem::create_directory(dir.path() / "nested");
    test::write_file(dir.file("nested/a.conf"), "user a\ninclude_dir " + dir.file("conf.d") + "\n");
    test::write_file(dir.file("outer.conf"), "include_dir " + dir.file("nested") + "\n");
    CHECK(refusal(dir.file("outer.conf")) ==
          dir.file("nested/a.conf") + ":2: include_dir is only valid in the main configuration file (the broker "
                                      "refuses it too)");
}
