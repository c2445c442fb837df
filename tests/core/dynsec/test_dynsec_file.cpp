// The mapping between password-file lines and dynamic-security clients, both forms, every line it
// cannot carry over; and the dynsec write path against a real filesystem.
#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "core/dynsec/dynsec_file.hpp"
#include "core/dynsec/dynsec_update.hpp"
#include "core/error.hpp"
#include "support/broker_targets.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <sys/stat.h>
#include <vector>

using namespace mqpasswd;
using Catch::Matchers::ContainsSubstring;
using mqpasswd::test::error_code_of;
using mqpasswd::test::read_file_text;
using mqpasswd::test::TempDir;
using mqpasswd::test::write_file;

namespace {

std::string pbkdf2(std::size_t salt_length, std::uint32_t iterations = 101, std::uint8_t fill = 7) {
    const std::vector<std::uint8_t> salt(salt_length, fill);
    return make_hash(HashSpec{Algorithm::sha512_pbkdf2, iterations, salt_length, {}}, Secret::copy_of("pw"), salt);
}

std::string sha512() {
    const std::vector<std::uint8_t> salt(12, 1);
    return make_hash(HashSpec{Algorithm::sha512, 0, 12, {}}, Secret::copy_of("pw"), salt);
}

std::string argon2id() {
    const std::vector<std::uint8_t> salt(64, 2);
    return make_hash(HashSpec{Algorithm::argon2id, 0, 64, {64, 1, 1}}, Secret::copy_of("pw"), salt);
}

JsonValue parse(const std::string& text) {
    return parse_json(text, "d.json");
}

const JsonValue& client(const JsonValue& document, std::size_t index) {
    return document.find("clients")->items().at(index);
}

std::vector<std::string> reasons(const Conversion& conversion) {
    std::vector<std::string> texts;
    for (const auto& entry : conversion.unconvertible) {
        texts.push_back(std::to_string(entry.line) + " " + entry.user + ": " + entry.reason);
    }
    return texts;
}

}  // namespace

TEST_CASE("a $7$ line becomes the 2.0 triple and the 2.1 encoded_password, hash text unchanged", "[dynsec]") {
    const std::string hash = pbkdf2(12);  // $7$101$SALT$KEY
    const std::string salt = hash.substr(7, 16);
    const std::string key = hash.substr(24);
    JsonValue v2_0 = new_dynsec_document();
    const EditReport added = export_clients(v2_0, {{"alice", hash, 1}}, test::v2_0);
    REQUIRE(added.changes.size() == 1);
    CHECK(added.changes[0].action == Action::added);
    const JsonValue& alice = client(v2_0, 0);
    CHECK(alice.find("username")->text() == "alice");
    CHECK(alice.find("password")->text() == key);
    CHECK(alice.find("salt")->text() == salt);
    CHECK(alice.find("iterations")->is(JsonKind::number));
    CHECK(alice.find("iterations")->text() == "101");
    CHECK(alice.find("encoded_password") == nullptr);

    JsonValue v2_1 = new_dynsec_document();
    (void)export_clients(v2_1, {{"alice", hash, 1}}, test::v2_1);
    CHECK(client(v2_1, 0).find("encoded_password")->text() == hash);
    CHECK(client(v2_1, 0).find("password") == nullptr);

    // and back: the same hash from either form
    for (const JsonValue* document : {&v2_0, &v2_1}) {
        const Conversion back = importable_clients(*document, test::v2_0);
        REQUIRE(back.passwords.size() == 1);
        CHECK(back.passwords[0].user == "alice");
        CHECK(back.passwords[0].hash == hash);
        CHECK(back.unconvertible.empty());
    }
}

TEST_CASE("export keeps every other client, role, group and key, and updates only password members", "[dynsec]") {
    JsonValue document = parse(R"({"clients": [{"username": "bob", "textname": "B", "roles": [{"rolename": "r"}],
        "encoded_password": "stale", "password": "x", "salt": "y", "iterations": 5, "x-extra": [1.0]},
        {"username": "admin", "password": "p", "salt": "s", "iterations": 101}],
        "roles": [{"rolename": "r", "acls": []}], "groups": [], "future": {"n": 1e2}})");
    const JsonValue before = document;
    const std::string hash = pbkdf2(12);
    const EditReport report = export_clients(document, {{"bob", hash, 1}, {"carol", hash, 2}}, test::v2_0);
    REQUIRE(report.changes.size() == 2);
    CHECK(report.changes[0].action == Action::updated);
    CHECK(report.changes[1].action == Action::added);
    const JsonValue& bob = client(document, 0);
    CHECK(bob.members().front().first == "username");  // members keep their place
    CHECK(bob.find("textname")->text() == "B");
    CHECK(bob.find("roles")->items().size() == 1);
    CHECK(bob.find("x-extra")->items()[0].text() == "1.0");
    CHECK(bob.find("encoded_password") == nullptr);  // a 2.1 plugin would have read the stale one first
    CHECK(client(document, 1) == client(before, 1));
    CHECK(*document.find("roles") == *before.find("roles"));
    CHECK(*document.find("future") == *before.find("future"));
    CHECK(client(document, 2).find("username")->text() == "carol");
    // a second export changes nothing
    const EditReport again = export_clients(document, {{"bob", hash, 1}, {"carol", hash, 2}}, test::v2_0);
    CHECK_FALSE(again.changed());
}

TEST_CASE("every line export cannot carry over is listed with its line and why", "[dynsec]") {
    const PwFile file = PwFile::parse("ok:" + pbkdf2(12) + "\n# comment\nplain:secret\nsix:" + sha512() +
                                      "\nlong:" + pbkdf2(64, 1000) + "\nargon:" + argon2id() + "\nbroken\n");
    const Conversion for_2_0 = exportable_users(file, test::v2_0);
    REQUIRE(for_2_0.passwords.size() == 1);
    CHECK(for_2_0.passwords[0].user == "ok");
    const auto listed = reasons(for_2_0);
    REQUIRE(listed.size() == 5);
    CHECK(listed[0] == "3 plain: a plain-text password; hash it first with mqpasswd upgrade");
    CHECK_THAT(listed[1], ContainsSubstring("4 six: a $6$ hash (one salted SHA-512)"));
    CHECK(listed[2] == "5 long: its salt is 64 bytes, and a 2.0 plugin loads only 12-byte salts (it would drop the "
                       "client)");
    CHECK(listed[3] == "6 argon: argon2id, which a 2.0 plugin cannot store (it keeps PBKDF2 only)");
    CHECK_THAT(listed[4], ContainsSubstring("7 "));

    const Conversion for_2_1 = exportable_users(file, test::v2_1);
    // ok, six (2.1 reads any password-file hash in encoded_password), long, argon (with libargon2)
    CHECK(for_2_1.passwords.size() == 4);
    CHECK(for_2_1.passwords[1].user == "six");
    CHECK(reasons(exportable_users(file, test::v2_1_no_argon2)).size() == 3);  // plain, argon, broken
}

TEST_CASE("import lists clients without a usable password or username", "[dynsec]") {
    const std::string long_salt = pbkdf2(64, 1000);
    const JsonValue document = parse(R"({"clients": [{"username": "none"}, {"textname": "no name"},
        {"username": "bad:name", "encoded_password": ")" +
                                     pbkdf2(12) + R"("},
        {"username": "float", "password": "AAAA", "salt": "AAAA", "iterations": 101.5},
        {"username": "text", "password": "AAAA", "salt": "AAAA", "iterations": "101"},
        {"username": "long", "encoded_password": ")" +
                                     long_salt + R"("},
        {"username": "ok", "encoded_password": ")" +
                                     pbkdf2(12) + R"("}]})");
    const Conversion to_2_0 = importable_clients(document, test::v2_0);
    REQUIRE(to_2_0.passwords.size() == 1);
    CHECK(to_2_0.passwords[0].user == "ok");
    const auto listed = reasons(to_2_0);
    REQUIRE(listed.size() == 6);
    CHECK(listed[0] == "0 none: it has no password");
    CHECK(listed[1] == "0 : a client without a username");
    CHECK_THAT(listed[2], ContainsSubstring("0 bad:name: a password file cannot hold it"));
    CHECK_THAT(listed[3], ContainsSubstring("0 float: its password does not decode"));
    CHECK(listed[4] == "0 text: its password is not in a form the plugin reads");
    CHECK(listed[5] == "0 long: its salt is 64 bytes, which a 2.0 broker cannot read");
    CHECK(importable_clients(document, test::v2_1).passwords.size() == 2);
}

TEST_CASE("import takes the password the target broker's plugin reads, else the other form", "[dynsec]") {
    const std::string triple = pbkdf2(12, 101, 3);
    const std::string encoded = pbkdf2(12, 1000, 4);
    JsonValue both = new_dynsec_document();
    (void)export_clients(both, {{"u", triple, 1}}, test::v2_0);
    JsonValue& u = both.find("clients")->items()[0];
    u.set("encoded_password", JsonValue::string(encoded));
    CHECK(importable_clients(both, test::v2_0).passwords.at(0).hash == triple);   // 2.0 reads only the triple
    CHECK(importable_clients(both, test::v2_1).passwords.at(0).hash == encoded);  // 2.1 reads encoded_password first
    u.erase("password");
    CHECK(importable_clients(both, test::v2_0).passwords.at(0).hash == encoded);  // a 2.1 file going back to 2.0
}

TEST_CASE("import sets hashes in the password file and keeps every other line", "[dynsec]") {
    const std::string hash = pbkdf2(12);
    PwFile file = PwFile::parse("# keep\nalice:" + hash + "\nbob:old\n");
    const EditReport report = import_hashes(file, {{"alice", hash, 0}, {"bob", hash, 0}, {"carol", hash, 0}});
    REQUIRE(report.changes.size() == 3);
    CHECK(report.changes[0].action == Action::unchanged);
    CHECK(report.changes[1].action == Action::updated);
    CHECK(report.changes[2].action == Action::added);
    CHECK(file.serialise() == "# keep\nalice:" + hash + "\nbob:" + hash + "\ncarol:" + hash + "\n");
}

TEST_CASE("a file that is not a dynamic-security file is refused", "[dynsec]") {
    std::string message;
    const auto refuses = [&](const std::string& text) {
        return error_code_of([&] { check_dynsec_document(parse(text), "d.json"); }, message) == ExitCode::failure;
    };
    CHECK(refuses("[]"));
    CHECK(message == "d.json: not a dynamic-security file: the document is not a JSON object");
    CHECK(refuses(R"({"clients": {}})"));
    CHECK(refuses(R"({"clients": [1]})"));
    CHECK(refuses(R"({"clients": [{"username": "a"}, {"username": "a"}]})"));
    CHECK(message == "d.json: not a dynamic-security file: two clients are named 'a'; delete one");
    CHECK_FALSE(refuses(R"({"roles": []})"));
}

TEST_CASE("masking hides every password member and nothing else", "[dynsec]") {
    JsonValue document = new_dynsec_document();
    (void)export_clients(document, {{"alice", pbkdf2(12), 1}}, test::v2_0);
    const std::string masked = serialise_json(masked_dynsec(document));
    CHECK_THAT(masked, ContainsSubstring("\"password\": \"(hidden)\""));
    CHECK_THAT(masked, ContainsSubstring("\"salt\": \"(hidden)\""));
    CHECK_THAT(masked, ContainsSubstring("\"iterations\": 101"));
    CHECK_THAT(masked, ContainsSubstring("\"username\": \"alice\""));
}

TEST_CASE("the dynsec write path: create 0600, keep owner and mode, dry run writes nothing", "[dynsec]") {
    const TempDir dir;
    const std::string path = dir.file("dynsec.json");
    const std::string hash = pbkdf2(12);
    const DynsecEdit edit = [&](JsonValue& document) {
        return export_clients(document, {{"alice", hash, 1}}, test::v2_0);
    };
    std::string message;
    CHECK(error_code_of([&] { (void)update_dynsec_file(path, {}, edit); }, message) == ExitCode::failure);
    CHECK_THAT(message, ContainsSubstring("no such file"));
    UpdateOptions options;
    options.create = true;
    options.dry_run = true;
    const UpdateResult dry = update_dynsec_file(path, options, edit);
    CHECK(dry.created);
    CHECK_FALSE(dry.written);
    CHECK(dir.entries().empty());
    options.dry_run = false;
    CHECK(update_dynsec_file(path, options, edit).written);
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    const std::string written = read_file_text(path);
    CHECK_FALSE(update_dynsec_file(path, {}, edit).written);  // unchanged: not even rewritten
    write_file(path, "{\"clients\": [], \"custom\": 1}");
    CHECK(update_dynsec_file(path, {}, edit).written);
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0640);
    CHECK(parse(read_file_text(path)).find("custom")->text() == "1");
    write_file(path, "{\"clients\": [}");
    CHECK(error_code_of([&] { (void)update_dynsec_file(path, {}, edit); }, message) == ExitCode::failure);
    CHECK(read_file_text(path) == "{\"clients\": [}");
    CHECK_THAT(message, ContainsSubstring("not valid JSON"));
}

// Found by attacking the first version: each of these passed the tests above.
TEST_CASE("import refuses a client the plugin has disabled, and export keeps it disabled and says so", "[dynsec]") {
    const std::string hash = pbkdf2(12);
    const JsonValue document =
        parse(R"({"clients": [{"username": "off", "disabled": true, "encoded_password": ")" + hash +
              R"("}, {"username": "odd", "disabled": 1, "encoded_password": ")" + hash +
              R"("}, {"username": "on", "disabled": false, "encoded_password": ")" + hash + R"("}]})");
    const Conversion conversion = importable_clients(document, test::v2_1);
    REQUIRE(conversion.passwords.size() == 1);
    CHECK(conversion.passwords[0].user == "on");
    const auto listed = reasons(conversion);
    REQUIRE(listed.size() == 2);
    CHECK_THAT(listed[0], ContainsSubstring("0 off: disabled in the plugin"));
    CHECK_THAT(listed[1], ContainsSubstring("0 odd: disabled in the plugin"));

    JsonValue exported = document;
    const EditReport report = export_clients(exported, {{"off", pbkdf2(12, 101, 9), 1}}, test::v2_1);
    CHECK(report.changes.at(0).action == Action::updated);
    REQUIRE(report.warnings.size() == 1);
    CHECK_THAT(report.warnings[0], ContainsSubstring("'off' is disabled in the dynamic-security file"));
    CHECK(client(exported, 0).find("disabled")->text() == "true");
}

TEST_CASE("an iteration count with a leading zero is exported as the number, and stays idempotent", "[dynsec]") {
    const std::string hash = pbkdf2(12, 1000);  // $7$1000$...
    const std::string padded = "$7$0" + hash.substr(3);
    const PwFile file = PwFile::parse("alice:" + padded + "\n");
    const Conversion conversion = exportable_users(file, test::v2_0);
    REQUIRE(conversion.passwords.size() == 1);
    CHECK(conversion.passwords[0].hash == hash);
    JsonValue document = new_dynsec_document();
    (void)export_clients(document, conversion.passwords, test::v2_0);
    CHECK(client(document, 0).find("iterations")->text() == "1000");
    JsonValue reread = parse(serialise_json(document));  // what was written is JSON mqpasswd itself reads
    CHECK_FALSE(export_clients(reread, conversion.passwords, test::v2_0).changed());
}

TEST_CASE("export for 2.0 removes a stale encoded_password even when the triple already matches", "[dynsec]") {
    const std::string hash = pbkdf2(12);
    JsonValue document = new_dynsec_document();
    (void)export_clients(document, {{"bob", hash, 1}}, test::v2_0);
    document.find("clients")->items().at(0).set("encoded_password",
                                                JsonValue::string(pbkdf2(12, 101, 3)));  // 2.1 reads it first
    const EditReport report = export_clients(document, {{"bob", hash, 1}}, test::v2_0);
    CHECK(report.changes.at(0).action == Action::updated);
    CHECK(client(document, 0).find("encoded_password") == nullptr);
    CHECK_FALSE(export_clients(document, {{"bob", hash, 1}}, test::v2_0).changed());
}

TEST_CASE("a client member named like one the plugin reads, in another case, is refused", "[dynsec]") {
    // The plugin looks members up ignoring case (cJSON_GetObjectItem): "Password" would be its password.
    for (const std::string key : {"Password", "USERNAME", "Encoded_Password", "Disabled"}) {
        const JsonValue document = parse(R"({"clients": [{"username": "bob", ")" + key + R"(": "x"}]})");
        CHECK_THROWS_WITH(check_dynsec_document(document, "d.json"), ContainsSubstring("ignores case"));
    }
    CHECK_NOTHROW(check_dynsec_document(parse(R"({"clients": [{"username": "bob", "textname": "x"}]})"), "d.json"));
}
