// mosquitto_passwd's argument rules, in process (the differential test covers them end to end).
#include "cli/compat_args.hpp"
#include "support/catch.hpp"

using namespace mqpasswd::cli;

namespace {

CompatRequest request_of(const std::vector<std::string>& args) {
    auto parsed = parse_compat_args(args);
    REQUIRE(std::holds_alternative<CompatRequest>(parsed));
    return std::get<CompatRequest>(parsed);
}

CompatExit exit_of(const std::vector<std::string>& args) {
    auto parsed = parse_compat_args(args);
    REQUIRE(std::holds_alternative<CompatExit>(parsed));
    return std::get<CompatExit>(parsed);
}

}  // namespace

TEST_CASE("compat modes and their arguments", "[compat_args]") {
    const CompatRequest add = request_of({"pw", "alice"});
    CHECK(add.mode == CompatMode::add);
    CHECK(add.pwfile == "pw");
    CHECK(add.username == "alice");
    CHECK_FALSE(add.batch);
    const CompatRequest batch = request_of({"-b", "pw", "alice", "secret"});
    CHECK(batch.batch);
    CHECK(batch.password == "secret");
    const CompatRequest create = request_of({"-c", "-b", "pw", "alice", "secret", "ignored"});
    CHECK(create.mode == CompatMode::create);
    CHECK(create.password == "secret");
    CHECK(request_of({"-D", "pw", "alice", "ignored"}).mode == CompatMode::remove);
    const CompatRequest upgrade = request_of({"-b", "-U", "pw"});
    CHECK(upgrade.mode == CompatMode::upgrade);
    CHECK_FALSE(upgrade.batch);
}

TEST_CASE("create with the file - means standard output", "[compat_args]") {
    const CompatRequest to_stdout = request_of({"-c", "-", "alice"});
    CHECK(to_stdout.use_stdout);
    CHECK(to_stdout.pwfile.empty());
    CHECK_FALSE(request_of({"-b", "-", "alice", "x"}).use_stdout);  // only with -c
}

TEST_CASE("options H and I: the last one wins, with atoi semantics", "[compat_args]") {
    const CompatRequest request = request_of({"-H", "sha512", "-H", "argon2id", "-I", "5", "-I", "7abc", "pw", "u"});
    CHECK(request.hash == "argon2id");
    CHECK(request.iterations == 7);
    CHECK(request_of({"-I", " 42", "pw", "u"}).iterations == 42);
}

TEST_CASE("the first failing check decides the message", "[compat_args]") {
    CHECK(exit_of({"-H", "md5", "-c", "-D"}).err == "Error: Unknown hash type 'md5'\n");
    CHECK(exit_of({"-c", "-D", "-U", "pw"}).err == "Error: -c and -D cannot be used together.\n");
    CHECK(exit_of({"-D", "-b", "pw"}).err == "Error: -b and -D cannot be used together.\n");
    CHECK(exit_of({"-I", "0"}).err == "Error: Number of iterations must be > 0.\n");
    CHECK(exit_of({"-I", "abc", "pw", "u"}).code == 1);
}

TEST_CASE("wrong argument counts print the 2.1.2 usage on stdout", "[compat_args]") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {}, {"pw"}, {"pw", "u", "p"}, {"-b", "pw", "u"}, {"--help"}, {"pw", "u", "-b"}}) {
        const CompatExit exit = exit_of(args);
        CHECK(exit.code == 1);
        CHECK(exit.err.empty());
        CHECK(exit.out == compat_usage());
    }
    CHECK(compat_usage().find("[-H argon2id | -H sha512-pbkdf2]") != std::string::npos);
    CHECK(compat_usage().ends_with("information.\n\n"));
}
