// Tests src/core/import_source.cpp (and core/quote.hpp): every format, every refusal with its exact
// message, the guess, and memory that follows the records rather than the lines.
#include "core/error.hpp"
#include "core/input/import_source.hpp"
#include "core/quote.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

namespace {

ImportBatch parse(const std::string& content, std::optional<ImportFormat> format = {}, bool skip = false) {
    return parse_import(content, format, "src", skip);
}

std::string failure(const std::string& content, std::optional<ImportFormat> format = {}, bool skip = false) {
    std::string message;
    CHECK(error_code_of([&] { (void)parse(content, format, skip); }, message) == ExitCode::failure);
    return message;
}

std::string guess_failure(const std::string& content) {
    std::string message;
    CHECK(error_code_of([&] { (void)guess_import_format(content, "src"); }, message) == ExitCode::failure);
    return message;
}

std::string cannot_tell(std::size_t line) {
    return "src:" + std::to_string(line) +
           ": cannot tell the format (not user:password, a CSV header username,password, or JSON); use --format";
}

constexpr auto lines = ImportFormat::lines;
constexpr auto csv = ImportFormat::csv;
constexpr auto jsonl = ImportFormat::jsonl;
constexpr auto json = ImportFormat::json;

// `jq . users.json` of [{alice, with a nested "meta"}, {bob}], byte for byte.
constexpr std::string_view jq_array_text = R"([
  {
    "username": "alice",
    "password": "pw",
    "hash": "sha512",
    "meta": {
      "tags": [
        "a",
        1,
        null,
        true
      ],
      "n": -1500
    }
  },
  {
    "username": "bob",
    "password": "x"
  }
]
)";

// `jq '.[]' users.json` of the same array.
constexpr std::string_view jq_stream_text = R"({
  "username": "alice",
  "password": "pw",
  "hash": "sha512",
  "meta": {
    "tags": [
      "a",
      1,
      null,
      true
    ],
    "n": -1500
  }
}
{
  "username": "bob",
  "password": "x"
}
)";

std::string jq_array() {
    return std::string(jq_array_text);
}

std::string jq_stream() {
    return std::string(jq_stream_text);
}

void check_alice_and_bob(const ImportBatch& batch, std::size_t bob_line) {
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[0].username == "alice");
    CHECK(batch.records[0].password.equals("pw"));
    CHECK(batch.records[0].hash == Algorithm::sha512);
    CHECK(batch.records[1].username == "bob");
    CHECK(batch.records[1].password.equals("x"));
    CHECK_FALSE(batch.records[1].hash);
    CHECK(batch.records[1].line == bob_line);
}

}  // namespace

// --- guessing -----------------------------------------------------------------------------

TEST_CASE("the format is guessed from the first real line", "[import_source]") {
    CHECK(guess_import_format("# users\n\nalice:pw\n", "src") == lines);
    CHECK(guess_import_format("username,password\nalice,pw\n", "src") == csv);
    CHECK(guess_import_format(" password , username\r\n", "src") == csv);
    CHECK(guess_import_format("Username;Password\n", "src") == csv);
    CHECK(guess_import_format("email\tUSERNAME\tpassword\n", "src") == csv);
    CHECK(guess_import_format("\"username\",\"password\",\"note\"\n", "src") == csv);
    CHECK(guess_import_format("{\"username\":\"a\",\"password\":\"b\"}\n", "src") == jsonl);
    CHECK(guess_import_format("\n  {\n", "src") == jsonl);
    CHECK(guess_import_format("alice:pw,with;commas\"\n", "src") == lines);
    CHECK(guess_failure("alice pw\n") == cannot_tell(1));
    CHECK(guess_failure("\n# only a comment\n") == "src: no records to import");
    CHECK(guess_failure("") == "src: no records to import");
}

TEST_CASE("guessing refuses whatever is not certain", "[import_source]") {
    CHECK(guess_failure("\n[\n  {\"username\": \"a\"}\n]\n") ==
          "src:2: this looks like a JSON array; use --format=json");
    CHECK(guess_failure("alice,pw\n") == cannot_tell(1));     // CSV without a header
    CHECK(guess_failure("\"a\":\"b\"\n") == cannot_tell(1));  // a JSON member
    CHECK(guess_failure("a,b:c\n") == cannot_tell(1));        // CSV with a ':' in a field
    CHECK(guess_failure("a;b:c\n") == cannot_tell(1));
    CHECK(guess_failure("a\tb:c\n") == cannot_tell(1));
    CHECK(guess_failure("\"alice:pw\n") == cannot_tell(1));
    CHECK(guess_failure("# c\nusername,secret\n") == cannot_tell(2));
    // user x with the password "y,username,password", or a CSV header with a column "x:y"?
    CHECK(guess_failure("x:y,username,password\n") == cannot_tell(1));
}

TEST_CASE("parse_import says when it had to guess", "[import_source]") {
    CHECK(parse("alice:pw\n").guessed);
    CHECK(guess_import_format("alice:pw\n", "src") == lines);
    CHECK_FALSE(parse("alice:pw\n", lines).guessed);
    CHECK(failure("[{\"username\":\"a\",\"password\":\"b\"}]") ==
          "src:1: this looks like a JSON array; use --format=json");
}

TEST_CASE("format names", "[import_source]") {
    CHECK(import_format_from_name("lines") == lines);
    CHECK(import_format_from_name("csv") == csv);
    CHECK(import_format_from_name("jsonl") == jsonl);
    CHECK(import_format_from_name("json") == json);
    CHECK_FALSE(import_format_from_name("JSON"));
    CHECK_FALSE(import_format_from_name("ndjson"));
}

TEST_CASE("a UTF-8 BOM is skipped in every format, line numbers unchanged", "[import_source]") {
    const std::string bom = "\xEF\xBB\xBF";
    const ImportBatch guessed_lines = parse(bom + "alice:pw\nbob:x\n");
    REQUIRE(guessed_lines.records.size() == 2);
    CHECK(guessed_lines.records[0].username == "alice");
    CHECK(guessed_lines.records[1].line == 2);
    CHECK(guess_import_format(bom + "username,password\n", "src") == csv);
    const ImportBatch from_excel = parse(bom + "Username,Password\r\nalice,pw\r\n");
    REQUIRE(from_excel.records.size() == 1);
    CHECK(from_excel.records[0].username == "alice");
    CHECK(from_excel.records[0].line == 2);
    const ImportBatch stream = parse(bom + "{\"username\":\"alice\",\"password\":\"pw\"}\n");
    REQUIRE(stream.records.size() == 1);
    CHECK(stream.records[0].username == "alice");
    CHECK(parse(bom + "[{\"username\":\"alice\",\"password\":\"pw\"}]", json).records.size() == 1);
    CHECK(failure(bom + "alice\n", lines) == "src:1: no ':' between username and password");
    CHECK(failure(bom + "[", json) == "src:1: expected '{'");
}

// --- lines --------------------------------------------------------------------------------

TEST_CASE("lines: the first ':' splits, the password keeps the rest", "[import_source]") {
    const ImportBatch batch = parse("# c\nalice:pa:ss word\r\n\nbob: lead\n");
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[0].username == "alice");
    CHECK(batch.records[0].password.equals("pa:ss word"));
    CHECK(batch.records[0].line == 2);
    CHECK(batch.records[1].password.equals(" lead"));
    CHECK(batch.records[1].line == 4);
}

// --- CSV ----------------------------------------------------------------------------------

TEST_CASE("csv: quoted fields, a hash column, strict columns", "[import_source]") {
    const ImportBatch batch = parse("username,password,hash\nalice,\"a,b\"\"c\",sha512\nbob,pw,\n");
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[0].password.equals("a,b\"c"));
    CHECK(batch.records[0].hash == Algorithm::sha512);
    CHECK_FALSE(batch.records[1].hash);
    CHECK(failure("username,password\nalice,pw,extra\n") == "src:2: expected 2 fields, found 3");
    CHECK(failure("username,password,hash\nalice,pw\n") == "src:2: expected 3 fields, found 2");
    CHECK(failure("username,password\nalice,\"open\n") == "src:2: unterminated quoted field");
    CHECK(failure("username,password,hash\nalice,pw,md5\n") ==
          "src:2: field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
    CHECK(failure("username,secret\nalice,pw\n", csv) ==
          "src:1: the CSV header must name username and password (and optionally hash)");
    CHECK(failure("\n\nalice,pw\n", csv) ==
          "src:3: the CSV header must name username and password (and optionally hash)");
}

TEST_CASE("csv: header names are trimmed and case-insensitive, other columns ignored", "[import_source]") {
    const ImportBatch batch = parse("Email, Password ,NOTE,USERNAME,Hash\na@x,pw,\"a note, quoted\",alice,\n");
    REQUIRE(batch.records.size() == 1);
    CHECK(batch.records[0].username == "alice");
    CHECK(batch.records[0].password.equals("pw"));
    CHECK_FALSE(batch.records[0].hash);
    // hash names as people type them: any case, blanks around
    CHECK(parse("username,password,hash\nalice,pw, SHA512 \n").records[0].hash == Algorithm::sha512);
    CHECK(failure("username,password,hash\nalice,pw,md-5\n") ==
          "src:2: field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
    const ImportBatch hashed = parse("username,password,Hash\nalice,pw,argon2id\n");
    CHECK(hashed.records[0].hash == Algorithm::argon2id);
    CHECK(failure("username,password,Password\nalice,a,b\n") ==
          "src:1: the CSV header names the column 'password' twice");
    CHECK(failure("username,USERNAME,password\n") == "src:1: the CSV header names the column 'username' twice");
    CHECK(failure("hash,username,password,hash\n") == "src:1: the CSV header names the column 'hash' twice");
    CHECK(failure("user,password\nalice,pw\n", csv) ==
          "src:1: the CSV header must name username and password (and optionally hash)");
}

TEST_CASE("csv: the delimiter is ',' then semicolon then a tab, found from the header", "[import_source]") {
    const ImportBatch semicolons = parse("Username;Password;Note\nalice;pa,ss;x\n\"bob\";\"p;w\";\n");
    REQUIRE(semicolons.records.size() == 2);
    CHECK(semicolons.records[0].password.equals("pa,ss"));
    CHECK(semicolons.records[1].username == "bob");
    CHECK(semicolons.records[1].password.equals("p;w"));
    const ImportBatch tabs = parse("username\tpassword\nalice\tpa;s,s\n");
    REQUIRE(tabs.records.size() == 1);
    CHECK(tabs.records[0].password.equals("pa;s,s"));
    // ',' wins when it splits the header into username and password; ';' is tried only when it does not
    const ImportBatch commas = parse("username,password,a;b\nalice,pw;x,c\n");
    REQUIRE(commas.records.size() == 1);
    CHECK(commas.records[0].password.equals("pw;x"));
    const ImportBatch fallback = parse("user,name;username;password\nx,y;alice;pw\n");
    REQUIRE(fallback.records.size() == 1);
    CHECK(fallback.records[0].username == "alice");
    CHECK(failure("username;password\nalice,pw\n") == "src:2: expected 2 fields, found 1");
}

TEST_CASE("csv: a quoted field may span lines, records keep their true lines", "[import_source]") {
    const ImportBatch batch = parse("username,password,note\r\n"
                                    "alice,\"multi\nline\",\"a\r\nb\"\r\n"
                                    "\r\n"
                                    "bob,pw,\"x\n\ny\"\n"
                                    "carol,pw2,\n");
    REQUIRE(batch.records.size() == 3);
    CHECK(batch.records[0].line == 2);
    CHECK(batch.records[0].password.equals("multi\nline"));
    CHECK(batch.records[1].line == 6);
    CHECK(batch.records[2].line == 9);
    CHECK(failure("username,password\nalice,pw\nbob,\"pw\n\nmore\n") == "src:3: unterminated quoted field");
    CHECK(failure("username,password\nalice,\"a\nb\",extra\n") == "src:2: expected 2 fields, found 3");
    CHECK(failure("username,password\n\"a\nb\",pw\n") == "src:2: username must not contain control characters");
    CHECK(failure("username,password,hash\n\nalice,\"x\ny\",md5\n") ==
          "src:3: field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
}

TEST_CASE("csv: a quote out of place is refused, naming the field", "[import_source]") {
    CHECK(failure("username,password\nalice,\"pw\"x\n") == "src:2: field 'password': text after the closing quote");
    CHECK(failure("username,password\nalice, \"pw\"\n") == "src:2: field 'password': '\"' inside an unquoted field");
    CHECK(failure("username,password\n\"alice\" ,pw\n") == "src:2: field 'username': text after the closing quote");
    CHECK(failure("Note,username,password\na\"b,alice,pw\n") == "src:2: field 'Note': '\"' inside an unquoted field");
    CHECK(failure("username,password,\nalice,pw,\"x\"y\n") == "src:2: column 3: text after the closing quote");
}

// --- JSON ---------------------------------------------------------------------------------

TEST_CASE("jsonl: string values with escapes", "[import_source]") {
    const ImportBatch batch =
        parse("{\"username\": \"ünï\", \"password\": \"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\", \"hash\": \"argon2id\"}\n");
    REQUIRE(batch.records.size() == 1);
    CHECK(batch.records[0].username == "ünï");
    CHECK(batch.records[0].password.equals("a\"b\\c\xc3\xa9\xf0\x9f\x98\x80"));
    CHECK(batch.records[0].hash == Algorithm::argon2id);
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\\u0000c\"}\n").find("NUL byte") != std::string::npos);
    CHECK(failure("{\"username\":\"a\",\"password\":\"\\ude00\"}\n") == "src:1: invalid escape in a string");
    CHECK(failure("{\"username\":\"a\",\"password\":\"\\ud83dx\"}\n") == "src:1: invalid escape in a string");
    CHECK(failure("{\"username\":\"a\",\"password\":\"\\x\"}\n") == "src:1: invalid escape in a string");
    CHECK(failure("{\"username\":\"a\",\"password\":\"\\u12\"}\n") == "src:1: invalid escape in a string");
    CHECK(failure("{\"username\":\"a\",\"password\":\"\\") == "src:1: unterminated string");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\tc\"}\n") == "src:1: control character in a string");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\n\"}\n") == "src:1: unterminated string");
}

TEST_CASE("jsonl: one per line, jq -c, and objects pretty-printed as jq prints them", "[import_source]") {
    check_alice_and_bob(parse(jq_stream()), 15);
    check_alice_and_bob(parse(jq_stream(), jsonl), 15);
    const std::string compact = "{\"username\":\"alice\",\"password\":\"pw\",\"hash\":\"sha512\",\"meta\":{\"tags\":"
                                "[\"a\",1,null,true],\"n\":-1500}}\n{\"username\":\"bob\",\"password\":\"x\"}\n";
    check_alice_and_bob(parse(compact), 2);
    check_alice_and_bob(parse("\r\n" + compact + "\r\n\r\n", jsonl), 3);
    check_alice_and_bob(parse("{\"username\":\"alice\",\"password\":\"pw\",\"hash\":\"sha512\"} "
                              "{\"username\":\"bob\",\"password\":\"x\"}"),
                        1);
    CHECK(parse(jq_stream()).records[0].line == 1);
}

TEST_CASE("json: one array, pretty-printed or compact", "[import_source]") {
    check_alice_and_bob(parse(jq_array(), json), 16);
    check_alice_and_bob(parse("[{\"username\":\"alice\",\"password\":\"pw\",\"hash\":\"sha512\",\"meta\":{\"tags\":"
                              "[\"a\",1,null,true],\"n\":-1500}},{\"username\":\"bob\",\"password\":\"x\"}]",
                              json),
                        1);
    CHECK(parse(jq_array(), json).records[0].line == 2);
    CHECK(failure(jq_array() + "[]\n", json) == "src:21: text after the JSON array");
    CHECK(failure("[{\"username\":\"a\",\"password\":\"b\"} {}]", json) == "src:1: expected ',' or ']'");
    CHECK(failure("[{\"username\":\"a\",\"password\":\"b\"},]", json) == "src:1: expected '{'");
    CHECK(failure("[\"alice\"]", json) == "src:1: expected '{'");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"}", json) == "src:1: expected '['");
    CHECK(failure("[{\"username\":\"a\",\"password\":\"b\"}", json) == "src:1: expected ',' or ']'");
    CHECK(failure(jq_stream(), json) == "src:1: expected '['");
}

TEST_CASE("json: unknown keys are skipped whatever their value", "[import_source]") {
    const ImportBatch batch = parse(R"({"id": 7, "username": "alice", "admin": false, "groups": ["a", {"b": [[], {}]}],
"password": "pw", "score": -0.5e+10, "x": null, "y": true, "z": {"password": 3, "username": {}}, "e": "\u00e9"}
)");
    REQUIRE(batch.records.size() == 1);
    CHECK(batch.records[0].username == "alice");
    CHECK(batch.records[0].password.equals("pw"));
    CHECK(batch.records[0].line == 1);
    const std::vector<std::pair<std::string, std::string>> bad_numbers = {
        {"01", "invalid number"},         {"1.", "invalid number"},        {"-", "invalid number"},
        {"1e", "invalid number"},         {"1e+", "invalid number"},       {"-01", "invalid number"},
        {".5", "expected a JSON value"},  {"+1", "expected a JSON value"}, {"0x1", "expected ',' or '}'"},
        {"1.5.2", "expected ',' or '}'"},
    };
    for (const auto& [number, message] : bad_numbers) {
        CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"n\":" + number + "}\n") == "src:1: " + message);
    }
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"n\":tru}") == "src:1: expected a JSON value");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"n\":[1 2]}") == "src:1: expected ',' or ']'");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"n\":{\"k\" 1}}") == "src:1: expected ':'");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"n\":{1:2}}") == "src:1: expected a key in double quotes");
}

TEST_CASE("json: nesting is bounded", "[import_source]") {
    const auto nested = [](int depth) {
        return R"({"username":"a","password":"b","deep":)" + std::string(static_cast<std::size_t>(depth), '[') +
               std::string(static_cast<std::size_t>(depth), ']') + "}\n";
    };
    CHECK(parse(nested(63)).records.size() == 1);  // with the record itself, 64 levels
    CHECK(failure(nested(64)) == "src:1: nesting deeper than 64 levels");
    CHECK(failure(nested(100000)) == "src:1: nesting deeper than 64 levels");
    CHECK(parse("[" + nested(62) + "]", json).records.size() == 1);
    CHECK(failure("[" + nested(63) + "]", json) == "src:1: nesting deeper than 64 levels");
}

TEST_CASE("json: username, password and hash must be strings, given once", "[import_source]") {
    CHECK(failure("{\"username\":\"a\",\"password\":3}\n") == "src:1: field 'password' must be a string, not a number");
    CHECK(failure("{\"username\":\"a\",\"password\":-3.5}\n") ==
          "src:1: field 'password' must be a string, not a number");
    CHECK(failure("{\"username\":\"a\",\"password\":{}}\n") ==
          "src:1: field 'password' must be a string, not an object");
    CHECK(failure("{\"username\":\"a\",\"password\":[\"x\"]}\n") ==
          "src:1: field 'password' must be a string, not an array");
    CHECK(failure("{\"username\":true,\"password\":\"b\"}\n") == "src:1: field 'username' must be a string, not true");
    CHECK(failure("{\"username\":\"a\",\"password\":false}\n") ==
          "src:1: field 'password' must be a string, not false");
    CHECK(failure("{\"username\":null,\"password\":\"b\"}\n") == "src:1: field 'username' must be a string, not null");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"hash\":1}\n") ==
          "src:1: field 'hash' must be a string, not a number");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"username\":\"c\"}\n") ==
          "src:1: field 'username' given twice");
    CHECK(failure("{\"password\":\"a\",\"username\":\"u\",\"password\":3}\n") == "src:1: field 'password' given twice");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\",\"hash\":\"md5\"}\n") ==
          "src:1: field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
    CHECK(failure("{\"username\":\"a\"}\n") == "src:1: field 'password' is missing");
    CHECK(failure("{\"password\":\"b\"}\n") == "src:1: field 'username' is missing");
    CHECK(failure("{}\n") == "src:1: field 'username' is missing");
    CHECK(failure("{\"username\":\"a\",\"password\":\"\"}\n") == "src:1: user 'a': password is empty");
    CHECK(parse("{\"username\":\"a\",\"password\":\"b\",\"hash\":\"\"}\n").records.at(0).hash == std::nullopt);
    // a pretty-printed object: the field's own line
    CHECK(failure("{\n  \"username\": \"a\",\n  \"password\": 3\n}\n") ==
          "src:3: field 'password' must be a string, not a number");
    CHECK(failure("{\n  \"username\": \"a\"\n}\n", jsonl) == "src:1: field 'password' is missing");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"}\n{\"username\":\"c\",\"password\":\"d\"}\n"
                  "{\"username\":\"e\",\"password\":7}\n") == "src:3: field 'password' must be a string, not a number");
}

TEST_CASE("json: syntax errors name the line where they are found", "[import_source]") {
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"}\n\n\n{\"username\":\"a\" \"password\":\"b\"}\n") ==
          "src:4: expected ',' or '}'");
    CHECK(failure("{\n  \"username\": \"a\"\n  \"password\": \"b\"\n}\n") == "src:3: expected ',' or '}'");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"} x\n") == "src:1: expected '{'");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"},\n{\"username\":\"c\",\"password\":\"d\"}\n") ==
          "src:1: expected '{'");
    CHECK(failure("{\"username\":\"a\",}\n") == "src:1: expected a key in double quotes");
    CHECK(failure("{\"username\" \"a\"}\n") == "src:1: expected ':'");
    CHECK(failure("{\"username\":}\n") == "src:1: expected a JSON value");
    CHECK(failure("{\"username\":\"a\",\"password\":\"b\"\n") == "src:2: expected ',' or '}'");
    CHECK(failure("# users\n{\"username\":\"a\",\"password\":\"b\"}\n", jsonl) == "src:1: expected '{'");
    // Guessed, a comment before JSON or a CSV header is refused: only the lines format has comments.
    CHECK(failure("# users\n{\"username\":\"a\",\"password\":\"b\"}\n") ==
          "src:2: a '#' comment comes before this record, and only the lines format has comments; use --format");
    CHECK(failure("# users\nusername,password\na,b\n") ==
          "src:2: a '#' comment comes before this record, and only the lines format has comments; use --format");
}

// --- skipping, skipped usernames, empty sources ----------------------------------------------

TEST_CASE("invalid records stop the import, or are skipped with --skip-invalid", "[import_source]") {
    const std::string content = "alice:x\nbob\n:nouser\nc:d:e\nalice:y\ne\xff:z\n";
    CHECK(failure(content) == "src:2: no ':' between username and password");
    const ImportBatch batch = parse(content, {}, true);
    REQUIRE(batch.records.size() == 2);
    CHECK(batch.records[1].username == "c");
    REQUIRE(batch.skipped.size() == 4);
    CHECK(batch.skipped[0].line == 2);
    CHECK(batch.skipped[0].username == std::nullopt);
    CHECK(batch.skipped[1].reason == "username is empty");
    CHECK(batch.skipped[1].username == std::optional<std::string>(""));
    CHECK(batch.skipped[2].reason == "user 'alice' given twice (first at line 1)");
    CHECK(batch.skipped[2].username == std::optional<std::string>("alice"));
    CHECK(batch.skipped[3].reason == "username is not valid UTF-8");
    CHECK(batch.skipped[3].username == std::optional<std::string>("e\xff"));
}

TEST_CASE("the first problem in line order stops the import", "[import_source]") {
    // the duplicate (line 2) is found after parsing, but it still comes before line 3's problem
    CHECK(failure("alice:x\nalice:y\nbob\n") == "src:2: user 'alice' given twice (first at line 1)");
    CHECK(failure("alice:x\nbob\nalice:y\n") == "src:2: no ':' between username and password");
    CHECK(failure("username,password\nalice,x\nbob,y\nalice,z\n") ==
          "src:4: user 'alice' given twice (first at line 2)");
    CHECK(failure(jq_stream() + jq_stream()) == "src:19: user 'alice' given twice (first at line 1)");
}

TEST_CASE("a skipped record names its user whenever its structure shows one", "[import_source]") {
    const ImportBatch csv_batch = parse("username,password\n"
                                        "bob,\n"
                                        "\"a\tb\",pw\n"
                                        "carol\n"
                                        "\"dave\"x,pw\n"
                                        "erin,\"p\"w\n"
                                        "ok,pw\n"
                                        "ok,pw2\n"
                                        "frank,\"open\n",
                                        {}, true);
    REQUIRE(csv_batch.records.size() == 1);
    REQUIRE(csv_batch.skipped.size() == 7);
    CHECK(csv_batch.skipped[0].reason == "user 'bob': password is empty");
    CHECK(csv_batch.skipped[0].username == std::optional<std::string>("bob"));
    CHECK(csv_batch.skipped[1].reason == "username must not contain control characters");
    CHECK(csv_batch.skipped[1].username == std::optional<std::string>("a\tb"));
    CHECK(csv_batch.skipped[2].reason == "expected 2 fields, found 1");
    CHECK(csv_batch.skipped[2].username == std::nullopt);
    CHECK(csv_batch.skipped[3].reason == "field 'username': text after the closing quote");
    CHECK(csv_batch.skipped[3].username == std::nullopt);  // "dave"x: which name is meant?
    CHECK(csv_batch.skipped[4].reason == "field 'password': text after the closing quote");
    CHECK(csv_batch.skipped[4].username == std::optional<std::string>("erin"));
    CHECK(csv_batch.skipped[5].reason == "user 'ok' given twice (first at line 7)");
    CHECK(csv_batch.skipped[5].username == std::optional<std::string>("ok"));
    CHECK(csv_batch.skipped[6].reason == "unterminated quoted field");
    CHECK(csv_batch.skipped[6].line == 9);
    CHECK(csv_batch.skipped[6].username == std::nullopt);
}

TEST_CASE("jsonl: --skip-invalid goes on at the next object after a syntax error", "[import_source]") {
    const ImportBatch batch = parse("{\"username\":\"a\",\"password\":7}\n"
                                    "{\"username\":\"b\",\"password\":\"x\" oops}\n"
                                    "{\"username\":\"c\",\"password\":\"x\"}\n"
                                    "{\n  \"username\": \"d\",\n  \"password\": \"y\",\n  broken\n}\n"
                                    "{\n  \"username\": \"e\",\n  \"password\": \"z\"\n}\n"
                                    "{\"password\":\"x\"}\n"
                                    "{\"username\":\"f\",\"username\":\"g\",\"password\":\"x\"}\n"
                                    "{\"username\":\"h\",\"password\":\"x\",\"password\":\"y\"}\n"
                                    "{\"username\":\"unterminated\n"
                                    "{\"username\":\"i\",\"password\":\"x\"}",
                                    {}, true);
    REQUIRE(batch.records.size() == 3);
    CHECK(batch.records[0].username == "c");
    CHECK(batch.records[1].username == "e");
    CHECK(batch.records[1].line == 9);
    CHECK(batch.records[2].username == "i");
    CHECK(batch.records[2].line == 17);
    REQUIRE(batch.skipped.size() == 7);
    CHECK(batch.skipped[0].reason == "field 'password' must be a string, not a number");
    CHECK(batch.skipped[0].username == std::optional<std::string>("a"));
    CHECK(batch.skipped[1].reason == "expected ',' or '}'");
    CHECK(batch.skipped[1].line == 2);
    CHECK(batch.skipped[1].username == std::nullopt);
    CHECK(batch.skipped[2].reason == "expected a key in double quotes");
    CHECK(batch.skipped[2].line == 7);
    CHECK(batch.skipped[3].reason == "field 'username' is missing");
    CHECK(batch.skipped[3].username == std::nullopt);
    CHECK(batch.skipped[4].reason == "field 'username' given twice");
    CHECK(batch.skipped[4].username == std::nullopt);
    CHECK(batch.skipped[5].reason == "field 'password' given twice");
    CHECK(batch.skipped[5].username == std::optional<std::string>("h"));
    CHECK(batch.skipped[6].reason == "unterminated string");
    CHECK(batch.skipped[6].line == 16);
}

TEST_CASE("json: a syntax error in an array stops even --skip-invalid", "[import_source]") {
    const std::string content = "[{\"username\":\"a\",\"password\":7},\n{\"username\":\"b\",\"password\":\"x\"},\n"
                                "{\"username\":\"b\",\"password\":\"y\"},\n{\"username\":\"c\" \"password\":\"x\"}]\n";
    CHECK(failure(content, json) == "src:1: field 'password' must be a string, not a number");
    CHECK(failure(content, json, true) == "src:4: expected ',' or '}'");
    const ImportBatch batch = parse(R"([{"username":"a","password":7},{"username":"b","password":"x"}])", json, true);
    REQUIRE(batch.records.size() == 1);
    REQUIRE(batch.skipped.size() == 1);
    CHECK(batch.skipped[0].username == std::optional<std::string>("a"));
}

TEST_CASE("a source without records is refused, whatever its format", "[import_source]") {
    for (const auto format : {lines, csv, jsonl, json}) {
        CHECK(failure("", format) == "src: no records to import");
        CHECK(failure("\n\r\n  \n", format) == "src: no records to import");
    }
    CHECK(failure("# only comments\n", lines) == "src: no records to import");
    CHECK(failure("username,password\n") == "src: no records to import");
    CHECK(failure("username,password\r\n\r\n", csv) == "src: no records to import");
    CHECK(failure("[]", json) == "src: no records to import");
    CHECK(failure("[\n]\n", json) == "src: no records to import");
    CHECK(failure("\xEF\xBB\xBF", lines) == "src: no records to import");
    CHECK(failure("bob\n:x\nalice\n", lines, true) == "src: no valid records to import (3 skipped)");
    CHECK(failure("[{}, {}]", json, true) == "src: no valid records to import (2 skipped)");
}

TEST_CASE("memory follows the records, not the lines", "[import_source]") {
    // 50 MB of newlines and one record: sizing anything per line would need gigabytes here
    constexpr std::size_t fifty_megabytes = 50'000'000;
    const std::string newlines(fifty_megabytes, '\n');
    const ImportBatch batch = parse(newlines + "alice:pw\n", lines);
    REQUIRE(batch.records.size() == 1);
    CHECK(batch.records[0].line == 50'000'001);
    CHECK(parse(newlines + "username,password\nalice,pw\n" + newlines, csv).records.size() == 1);
    CHECK(parse(newlines + "{\"username\":\"alice\",\"password\":\"pw\"}" + newlines, jsonl).records.at(0).line ==
          50'000'001);
    CHECK(parse("[" + newlines + "{\"username\":\"alice\",\"password\":\"pw\"}]", json).records.size() == 1);
    // and a row of a million empty fields costs a counter, not a million buffers
    CHECK(failure("username,password\nalice,pw" + std::string(1'000'000, ',') + "\n") ==
          "src:2: expected 2 fields, found 1000002");
}

// --- messages -----------------------------------------------------------------------------

TEST_CASE("quoted_name cuts long names and hides control bytes", "[import_source]") {
    CHECK(quoted_name("abc") == "'abc'");
    CHECK(quoted_name("") == "''");
    CHECK(quoted_name(std::string(64, 'a')) == "'" + std::string(64, 'a') + "'");
    CHECK(quoted_name(std::string(70000, 'a')) == "'" + std::string(64, 'a') + "...' (70000 bytes)");
    // a 2-byte 'é' straddling byte 64 is left out whole
    CHECK(quoted_name(std::string(63, 'a') + "\xc3\xa9" + "zz") == "'" + std::string(63, 'a') + "...' (67 bytes)");
    CHECK(quoted_name("a\x1b[31mb\x7f") == "'a?[31mb?'");
}

TEST_CASE("a message quotes at most 64 bytes of a username", "[import_source]") {
    const std::string name(65000, 'u');  // a valid username: at most 65535 bytes
    const std::string shown = "'" + std::string(64, 'u') + "...' (65000 bytes)";
    CHECK(failure(name + ":a\n" + name + ":b\n") == "src:2: user " + shown + " given twice (first at line 1)");
    CHECK(failure("username,password\n" + name + ",\n") == "src:2: user " + shown + ": password is empty");
    CHECK(failure("username,password,hash\na,b," + std::string(100, 'h') + "\n") ==
          "src:2: field 'hash': not a hash name (sha512-pbkdf2, sha512 or argon2id)");
}

TEST_CASE("no error message ever quotes a password", "[import_source]") {
    for (const std::string content :
         {"alice:Pw-Secret\nalice:Pw-Secret\n", "username,password\nalice,Pw-Secret,x\n",
          "username,password\nalice,\"Pw-Secret\"x\n", "{\"username\":\"a\",\"password\":\"Pw-Secret\",\"x\":y}\n",
          "{\"username\":\"a\",\"password\":\"Pw-Secret\",\"password\":\"Pw-Secret\"}\n",
          "{\"username\":\"a\",\"password\":\"Pw-Secret\\q\"}\n", "{\"username\":\"a\",\"password\":\"Pw-Secret\n"}) {
        std::string message;
        (void)error_code_of([&] { (void)parse(content); }, message);
        CHECK_FALSE(message.empty());
        CHECK(message.find("Pw-Secret") == std::string::npos);
    }
}

TEST_CASE("a password that is a Mosquitto hash is refused: the source is a password file", "[import_source]") {
    const std::string hash = "$7$101$c2FsdHNhbHRzYWx0$" + std::string(86, 'A') + "==";
    CHECK(failure("alice:" + hash + "\n", lines) ==
          "src:1: user 'alice': the password is a Mosquitto password hash; is this a password file? a password is "
          "expected");
    CHECK(failure("alice: " + hash + "\t\n", lines).find("the password is a Mosquitto password hash") !=
          std::string::npos);  // the blanks the broker trims
    CHECK(parse("alice:$7$not-a-hash\n", lines).records.size() == 1);
}

TEST_CASE("what spreadsheets add around the records, and what is no record", "[import_source]") {
    const ImportBatch trailing = parse("username,password\nalice,pw\n,\n,,\n;;\n", csv);
    CHECK(trailing.records.size() == 1);  // Excel's rows of empty cells after the last record
    const ImportBatch excel = parse("sep=;\nusername;password\nalice;pw\n", csv);
    REQUIRE(excel.records.size() == 1);
    CHECK(excel.records[0].line == 3);
    CHECK(failure(std::string("\xFF\xFEu\0s\0", 6), csv) ==
          "src:1: this is UTF-16 text; save it as UTF-8 (or CSV UTF-8)");
    // A header of the lines format: not the user "username" with the password "password".
    CHECK(failure("username:password\nalice:a1\n") == "src:1: this looks like a header, not a user; remove it or use "
                                                      "--format");
    CHECK(failure("User: Passwd\nalice:a1\n").find("looks like a header") != std::string::npos);
    CHECK(parse("username:password\n", lines).records.size() == 1);  // stated, it is what it says
}
