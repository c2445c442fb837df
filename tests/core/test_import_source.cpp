#include "core/error.hpp"
#include "core/import_source.hpp"
#include "support/errors.hpp"

#include <catch2/catch.hpp>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

namespace {

ImportBatch parse(const std::string& content, std::optional<ImportFormat> format = {}, bool skip = false) {
    return parse_import(content, format, "src", skip);
}

std::string failure(const std::string& content, std::optional<ImportFormat> format = {}) {
    std::string message;
    CHECK(error_code_of([&] { (void)parse(content, format); }, message) == ExitCode::failure);
    return message;
}

}  // namespace

TEST_CASE("the format is guessed from the first real line", "[import_source]") {
    CHECK(guess_import_format("# users\n\nalice:pw\n", "src") == ImportFormat::lines);
    CHECK(guess_import_format("username,password\nalice,pw\n", "src") == ImportFormat::csv);
    CHECK(guess_import_format(" password , username\r\n", "src") == ImportFormat::csv);
    CHECK(guess_import_format("{\"username\":\"a\",\"password\":\"b\"}\n", "src") == ImportFormat::jsonl);
    std::string message;
    CHECK(error_code_of([] { (void)guess_import_format("alice pw\n", "src"); }, message) == ExitCode::failure);
    CHECK(message == "src:1: cannot tell the format (not user:password, a CSV header username,password, or JSON); "
                     "use --format");
    CHECK(error_code_of([] { (void)guess_import_format("\n# only a comment\n", "src"); }, message) ==
          ExitCode::failure);
    CHECK(message == "src: no records to import");
}

TEST_CASE("lines: the first ':' splits, the password keeps the rest", "[import_source]") {
    const ImportBatch batch = parse("# c\nalice:pa:ss word\r\n\nbob: lead\n");
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[0].username == "alice");
    CHECK(batch.records[0].password.equals("pa:ss word"));
    CHECK(batch.records[0].line == 2);
    CHECK(batch.records[1].password.equals(" lead"));
    CHECK(batch.records[1].line == 4);
}

TEST_CASE("csv: quoted fields, a hash column, strict columns", "[import_source]") {
    const ImportBatch batch = parse("username,password,hash\nalice,\"a,b\"\"c\",sha512\nbob,pw,\n");
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[0].password.equals("a,b\"c"));
    CHECK(batch.records[0].hash == Algorithm::sha512);
    CHECK_FALSE(batch.records[1].hash);
    CHECK(failure("username,password\nalice,pw,extra\n") == "src:2: expected 2 fields, found 3");
    CHECK(failure("username,password\nalice,\"open\n") == "src:2: unterminated quoted field");
    CHECK(failure("username,password,hash\nalice,pw,md5\n") == "src:2: unknown hash 'md5'");
    CHECK(failure("username,secret\nalice,pw\n", ImportFormat::csv) ==
          "src:1: the CSV header must name username and password (and optionally hash)");
}

TEST_CASE("jsonl: string values with escapes, unknown keys refused", "[import_source]") {
    const ImportBatch batch =
        parse("{\"username\": \"ünï\", \"password\": \"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\", \"hash\": \"argon2id\"}\n");
    REQUIRE(batch.records.size() == 1);
    CHECK(batch.records[0].username == "ünï");
    CHECK(batch.records[0].password.equals("a\"b\\c\xc3\xa9\xf0\x9f\x98\x80"));
    CHECK(batch.records[0].hash == Algorithm::argon2id);
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"role\":\"x\"}\n") == "src:1: unknown key 'role'");
    CHECK(failure("{\"username\":\"a\",\"password\":3}\n") == "src:1: expected \"key\": \"string value\"");
    CHECK(failure("{\"username\":\"a\" \"password\":\"b\"}\n") == "src:1: expected ',' or '}'");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"} x\n") == "src:1: text after the JSON object");
    CHECK(failure("{\"username\":\"a\"}\n") == "src:1: user 'a': password is empty");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\\u0000c\"}\n").find("NUL byte") != std::string::npos);
}

TEST_CASE("invalid records stop the import, or are skipped with --skip-invalid", "[import_source]") {
    const std::string content = "alice:x\nbob\n:nouser\nc:d:e\nalice:y\ne\xff:z\n";
    CHECK(failure(content) == "src:2: no ':' between username and password");
    const ImportBatch batch = parse(content, {}, true);
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[1].username == "c");
    REQUIRE(batch.skipped.size() == 4);
    CHECK(batch.skipped[0].line == 2);
    CHECK(batch.skipped[1].reason == "username is empty");
    CHECK(batch.skipped[2].reason == "user 'alice' given twice (first at line 1)");
    CHECK(batch.skipped[3].reason == "username is not valid UTF-8");
}

TEST_CASE("no error message ever quotes a password", "[import_source]") {
    for (const std::string content : {"alice:Pw-Secret\nalice:Pw-Secret\n", "username,password\nalice,Pw-Secret,x\n",
                                      "{\"username\":\"a\",\"password\":\"Pw-Secret\",\"x\":\"y\"}\n"}) {
        std::string message;
        (void)error_code_of([&] { (void)parse(content); }, message);
        CHECK_FALSE(message.empty());
        CHECK(message.find("Pw-Secret") == std::string::npos);
    }
}
