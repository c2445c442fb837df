// In-process parser tests: argument vectors straight into the parser, no process started.
#include "cli/command_line.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;
using namespace mqpasswd::cli;

namespace {

Options parse(std::vector<std::string> args) {
    return parse_command_line(std::move(args)).options;
}

std::string usage_error(std::vector<std::string> args) {
    try {
        (void)parse_command_line(std::move(args));
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        return error.message();
    }
    FAIL("expected a usage error");
    return {};
}

}  // namespace

TEST_CASE("set takes the file, then the user, add is an alias", "[command_line]") {
    const Options options = parse({"set", "pw", "alice", "--stdin"});
    CHECK(options.command == Command::set);
    CHECK(options.pwfile == "pw");
    CHECK(options.users == std::vector<std::string>{"alice"});
    CHECK(options.password_source.kind == PasswordSourceKind::stdin_line);
    CHECK(parse({"add", "pw", "bob", "--stdin"}).command == Command::set);
}

TEST_CASE("global options go before or after the command", "[command_line]") {
    const Options before = parse({"--json", "--dry-run", "--hash", "sha512", "set", "pw", "u", "--stdin"});
    const Options after = parse({"set", "pw", "u", "--stdin", "--json", "--dry-run", "--hash", "sha512"});
    for (const Options& options : {before, after}) {
        CHECK(options.json);
        CHECK(options.dry_run);
        CHECK(options.hash == "sha512");
    }
    const Options more = parse({"set", "pw", "u", "--stdin", "--create", "-q", "--iterations", "5000",
                                "--broker-version", "2.1", "--owner", "mosquitto", "--group", "mosquitto"});
    CHECK(more.create);
    CHECK(more.quiet);
    CHECK(more.iterations == 5000);
    CHECK(more.broker_version == "2.1");
    CHECK(more.new_owner.owner == "mosquitto");
}

TEST_CASE("every password source, each alone", "[command_line]") {
    CHECK(parse({"set", "pw", "u"}).password_source.kind == PasswordSourceKind::prompt);
    CHECK(parse({"set", "pw", "u", "--password-fd", "3"}).password_source.fd == 3);
    CHECK(parse({"set", "pw", "u", "--password-env", "PW"}).password_source.name == "PW");
    CHECK(parse({"set", "pw", "u", "--password-file", "/run/s"}).password_source.name == "/run/s");
    const Options batch = parse({"set", "-b", "pw", "u", "hunter2"});
    CHECK(batch.password_source.kind == PasswordSourceKind::argument);
    CHECK(batch.password_argument == "hunter2");
    CHECK(parse({"verify", "pw", "u", "-b", "x"}).password_source.kind == PasswordSourceKind::argument);
}

TEST_CASE("the generate flag takes its length only with '=' so it never swallows the file", "[command_line]") {
    const Options plain = parse({"set", "--generate", "pw", "u"});
    CHECK(plain.password_source.kind == PasswordSourceKind::generate);
    CHECK(plain.password_source.length == 20);
    CHECK(plain.pwfile == "pw");
    CHECK(parse({"set", "pw", "u", "--generate=32"}).password_source.length == 32);
    CHECK_FALSE(usage_error({"verify", "pw", "u", "--generate"}).empty());
}

TEST_CASE("two sources, or -b without its password, are usage errors", "[command_line]") {
    CHECK(usage_error({"set", "pw", "u", "--stdin", "--password-env", "X"}) ==
          "the password is given twice (--stdin and --password-env); give exactly one source");
    CHECK(usage_error({"set", "-b", "pw", "u", "x", "--stdin"}) ==
          "the password is given twice (-b and --stdin); give exactly one source");
    CHECK(usage_error({"set", "pw", "u", "x"}) == "a password argument needs -b (better: --stdin or a prompt)");
    CHECK(usage_error({"set", "-b", "pw", "u"}) == "-b needs the password as the last argument");
}

TEST_CASE("delete takes several users, list and upgrade just the file", "[command_line]") {
    const Options remove = parse({"delete", "pw", "a", "b", "c", "--missing-ok"});
    CHECK(remove.command == Command::delete_users);
    CHECK(remove.users == std::vector<std::string>{"a", "b", "c"});
    CHECK(remove.missing_ok);
    CHECK(parse({"list", "pw"}).command == Command::list);
    CHECK(parse({"upgrade", "pw"}).command == Command::upgrade);
}

TEST_CASE("bad command lines are usage errors", "[command_line]") {
    CHECK_FALSE(usage_error({}).empty());
    CHECK_FALSE(usage_error({"frobnicate", "pw"}).empty());
    CHECK_FALSE(usage_error({"set", "pw"}).empty());
    CHECK_FALSE(usage_error({"delete", "pw"}).empty());
    CHECK_FALSE(usage_error({"list", "pw", "extra"}).empty());
    CHECK_FALSE(usage_error({"set", "pw", "u", "--iterations", "abc"}).empty());
    CHECK(usage_error({"set", "pw", "u", "--stdin", "--iterations", "0"}) ==
          "--iterations must be from 1 to 2147483647");
    CHECK(usage_error({"set", "pw", "u", "--stdin", "--iterations", "-5"}) ==
          "--iterations must be from 1 to 2147483647");
    CHECK(usage_error({"set", "pw", "u", "--password-fd", "-1"}) == "--password-fd must be a file descriptor number");
}

TEST_CASE("help and version return text instead of options", "[command_line]") {
    const auto help = parse_command_line({"--help"}).help;
    REQUIRE(help);
    CHECK(help->find("upgrade") != std::string::npos);
    const auto set_help = parse_command_line({"set", "--help"}).help;
    REQUIRE(set_help);
    CHECK(set_help->find("--password-env") != std::string::npos);
    const auto version = parse_command_line({"--version"}).help;
    REQUIRE(version);
    CHECK(version->rfind("mqpasswd ", 0) == 0);
}

TEST_CASE("no option takes an optional value that a space could separate", "[command_line]") {
    const Options options = parse({"delete", "pw", "alice", "--reload", "--conf", "/etc/m.conf"});
    CHECK(options.reload);
    CHECK(options.conf == "/etc/m.conf");
    CHECK(options.users == std::vector<std::string>{"alice"});
    const std::string misread = "--reload takes no value, and '/etc/m.conf' would be read as an argument; put "
                                "--reload after the arguments, and name the configuration with --conf CONF";
    CHECK(usage_error({"delete", "pw", "alice", "--missing-ok", "--reload", "/etc/m.conf"}) == misread);
    CHECK(usage_error({"set", "-b", "pw", "alice", "--reload", "/etc/m.conf"}) == misread);  // not the password
    CHECK(usage_error({"set", "--reload", "/etc/m.conf", "-b", "pw", "alice"}) == misread);  // not the file
    CHECK(usage_error({"delete", "--reload", "--conf=", "pw", "alice"}) == "--conf is given an empty value");
    CHECK(usage_error({"import", "pw", "--reload", "broker.conf"}).rfind("--reload takes no value", 0) == 0);
    CHECK(usage_error({"set", "pw", "u", "--stdin", "--reload=/etc/m.conf"}) ==
          "--reload takes no value; name the configuration with --conf CONF");
    CHECK(usage_error({"set", "pw", "--generate", "32"}) ==
          "--generate takes its length with '=' (--generate=32); '32' would be read as an argument");
    CHECK(usage_error({"set", "--generate", "32", "pw", "u"}).rfind("--generate takes its length with '='", 0) == 0);
    CHECK(parse({"set", "--generate", "pw", "u"}).pwfile == "pw");  // a word that is no length is left alone
    CHECK(usage_error({"delete", "pw", "alice", "--conf", "/etc/m.conf"}) ==
          "--conf names the configuration for --reload; give --reload too");
}

TEST_CASE("a global option is refused where it does nothing", "[command_line]") {
    CHECK(usage_error({"delete", "pw", "alice", "--create"}) ==
          "--create does nothing for delete (it applies to set, import, dynsec export, dynsec import)");
    CHECK(usage_error({"list", "pw", "--hash", "sha512"}) ==
          "--hash does nothing for list (it applies to set, upgrade, import)");
    CHECK(usage_error({"verify", "pw", "u", "--dry-run", "--stdin"}).rfind("--dry-run does nothing for verify", 0) ==
          0);
    CHECK(usage_error({"set", "pw", "u", "--stdin", "--owner", "root"}) ==
          "--owner and --group apply only to a file made with --create");
    CHECK(usage_error({"list", "pw", "--broker-version", "3"}).rfind("--broker-version does nothing for list", 0) == 0);
    CHECK(usage_error({"check", "pw", "--broker-version", "3"}) ==
          "--broker-version must be 2.0, 2.1 or auto, not '3'");
    const auto help = parse_command_line({"delete", "--help"}).help;
    REQUIRE(help);
    CHECK(help->find("--dry-run") != std::string::npos);
    CHECK(help->find("--create") == std::string::npos);
}

TEST_CASE("no command, help and a misspelt command get an answer to act on", "[command_line]") {
    CHECK(usage_error({}).rfind("a command is required: set, delete, verify", 0) == 0);
    CHECK(usage_error({"--json"}).rfind("a command is required", 0) == 0);
    CHECK(usage_error({"sett", "pw"}).rfind("unknown command 'sett' (did you mean 'set'?)", 0) == 0);
    CHECK(usage_error({"--hash", "sha512", "lst", "pw"}).rfind("unknown command 'lst' (did you mean 'list'?)", 0) == 0);
    const auto help = parse_command_line({"help"}).help;
    REQUIRE(help);
    CHECK(help->find("Commands:") != std::string::npos);
    CHECK(parse_command_line({"--json", "help", "set"}).help);
    CHECK(usage_error({"broker", "relaod"}) == "unknown broker command 'relaod' (did you mean 'reload'?); it is "
                                               "mqpasswd broker enable or mqpasswd broker reload");
    CHECK(usage_error({"--dry-run", "compat", "-b", "pw", "u", "p"}).rfind("compat takes mosquitto_passwd's", 0) == 0);
    const auto set_help = parse_command_line({"help", "set"}).help;
    REQUIRE(set_help);
    CHECK(set_help->find("--password-env") != std::string::npos);
}

TEST_CASE("dynsec export takes PWFILE then the JSON file, import the JSON file then PWFILE", "[command_line]") {
    const Options to = parse({"dynsec", "export", "pw", "d.json", "--skip-unconvertible", "--broker-version", "2.1"});
    CHECK(to.command == Command::dynsec_export);
    CHECK(to.pwfile == "pw");
    CHECK(to.dynsec_file == "d.json");
    CHECK(to.skip_unconvertible);
    CHECK(to.broker_version == "2.1");
    const Options back = parse({"--dry-run", "dynsec", "import", "d.json", "pw", "--create"});
    CHECK(back.command == Command::dynsec_import);
    CHECK(back.pwfile == "pw");
    CHECK(back.dynsec_file == "d.json");
    CHECK((back.dry_run && back.create && !back.skip_unconvertible));
    CHECK(usage_error({"dynsec", "exprot", "pw", "d.json"}) ==
          "unknown dynsec command 'exprot' (did you mean 'export'?); it is mqpasswd dynsec export or mqpasswd dynsec "
          "import");
    CHECK(usage_error({"dynsec", "export", "pw", "d.json", "--hash", "sha512"})
              .rfind("--hash does nothing for dynsec export", 0) == 0);
    CHECK(usage_error({"dynsec", "export", "pw", "d.json", "--force"})
              .rfind("--force does nothing for dynsec export", 0) == 0);
    CHECK(parse({"dynsec", "import", "d.json", "pw", "--force"}).force);
}

TEST_CASE("a generated password never goes a password into JSON", "[command_line]") {
    CHECK(
        usage_error({"set", "pw", "u", "--generate", "--json"}).rfind("--generate prints the new password alone", 0) ==
        0);
}
