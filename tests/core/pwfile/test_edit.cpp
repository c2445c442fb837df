#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/pwfile/edit.hpp"
#include "support/broker_targets.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

namespace {

HashSpec fast_spec(std::uint32_t iterations = 1000, std::size_t salt = 12) {
    HashSpec spec;
    spec.iterations = iterations;
    spec.salt_length = salt;
    return spec;
}

Action set_action(PwFile& file, const std::string& user, const std::string& password, const HashSpec& spec,
                  const BrokerTarget& broker = test::v2_0) {
    const EditReport report = set_user(file, user, Secret::copy_of(password), spec, broker);
    REQUIRE(report.changes.size() == 1);
    return report.changes[0].action;
}

}  // namespace

TEST_CASE("set adds, then leaves an identical password unchanged, then updates", "[edit]") {
    PwFile file;
    CHECK(set_action(file, "alice", "pw1", fast_spec()) == Action::added);
    const std::string after_add = file.serialise();
    CHECK(set_action(file, "alice", "pw1", fast_spec()) == Action::unchanged);
    CHECK(file.serialise() == after_add);  // byte for byte: nothing rehashed
    CHECK(set_action(file, "alice", "pw2", fast_spec()) == Action::updated);
    CHECK(verify_hash(file.lines()[0].hash, Secret::copy_of("pw2")) == Verification::match);
}

TEST_CASE("set rehashes a matching but weaker or unreadable hash", "[edit]") {
    PwFile file;
    CHECK(set_action(file, "alice", "pw", fast_spec(101)) == Action::added);
    CHECK(set_action(file, "alice", "pw", fast_spec(1000)) == Action::rehashed);
    CHECK(inspect_hash(file.lines()[0].hash).iterations == 1000);
    // A stronger existing hash is kept.
    CHECK(set_action(file, "alice", "pw", fast_spec(500)) == Action::unchanged);
    // A 64-byte salt written for 2.1 is unreadable by a 2.0 broker: rehash for a 2.0 target.
    CHECK(set_action(file, "bob", "pw", fast_spec(1000, 64), test::v2_1) == Action::added);
    CHECK(set_action(file, "bob", "pw", fast_spec(1000, 12), test::v2_0) == Action::rehashed);
    CHECK(inspect_hash(file.lines()[1].hash).salt_length == 12);
    HashSpec sha = fast_spec();
    sha.algorithm = Algorithm::sha512;
    CHECK(set_action(file, "bob", "pw", sha) == Action::rehashed);  // a different algorithm was asked for
}

TEST_CASE("set replaces plain text and malformed lines of the user", "[edit]") {
    PwFile file = PwFile::parse("alice:pw\nbob:\n");
    CHECK(set_action(file, "alice", "pw", fast_spec()) == Action::rehashed);
    CHECK(set_action(file, "bob", "x", fast_spec()) == Action::updated);
    CHECK(file.malformed_lines().empty());
    CHECK(file.lines().size() == 2);
}

TEST_CASE("remove_users is all or nothing without --missing-ok", "[edit]") {
    PwFile file = PwFile::parse("a:x\nb:y\nc:z\n");
    try {
        (void)remove_users(file, {"a", "nobody", "b"}, false);
        FAIL("expected an error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::no_such_user);
        CHECK(error.message() == "no such user 'nobody'");
    }
    PwFile again = PwFile::parse("a:x\nb:y\nc:z\n");
    const EditReport report = remove_users(again, {"a", "nobody", "a"}, true);
    REQUIRE(report.changes.size() == 2);
    CHECK(report.changes[0].action == Action::removed);
    CHECK(report.changes[1].action == Action::missing);
    CHECK(again.serialise() == "b:y\nc:z\n");
    CHECK(report.changed());
    PwFile untouched = PwFile::parse("a:x\n");
    CHECK_FALSE(remove_users(untouched, {"zz"}, true).changed());
}

TEST_CASE("upgrade hashes plain text only and warns about unknown formats", "[edit]") {
    const std::string hashed =
        "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJ"
        "NBvA+By+TXUqU6qCblO00w==";
    PwFile file = PwFile::parse("# keep\nalice:" + hashed + "\ncarol: pa ss \ndave:$5$x$y\n");
    const EditReport report = upgrade_plain_text(file, fast_spec());
    REQUIRE(report.changes.size() == 1);
    CHECK(report.changes[0].user == "carol");
    CHECK(report.changes[0].action == Action::upgraded);
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0] == "line 4: user 'dave' has a hash format mqpasswd does not know; left as it is");
    CHECK(file.lines()[1].text == "alice:" + hashed);  // already hashed: untouched
    CHECK(verify_hash(file.lines()[2].hash, Secret::copy_of("pa ss")) ==
          Verification::match);  // trimmed, as the broker
    CHECK(file.lines()[0].text == "# keep");
}

TEST_CASE("upgrade refuses to guess between duplicate plain-text lines", "[edit]") {
    PwFile file = PwFile::parse("a:one\na:two\n");
    CHECK_THROWS_AS(upgrade_plain_text(file, fast_spec()), Error);
    CHECK(file.serialise() == "a:one\na:two\n");
}
