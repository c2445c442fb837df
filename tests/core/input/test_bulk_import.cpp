#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/input/bulk_import.hpp"
#include "support/broker_targets.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

namespace {

std::vector<ImportRecord> records_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<ImportRecord> records;
    std::size_t line = 0;
    for (const auto& [user, password] : pairs) {
        records.push_back({user, Secret::copy_of(password), std::nullopt, ++line});
    }
    return records;
}

HashSpec fast() {
    HashSpec spec;
    spec.iterations = 10;
    return spec;
}

EditReport import(PwFile& file, const std::vector<ImportRecord>& records, bool prune = false, unsigned jobs = 2) {
    const std::vector<HashSpec> specs(records.size(), fast());
    return import_users(file, records, specs, test::v2_0, {prune, jobs, {}, {}});
}

std::vector<Action> actions(const EditReport& report) {
    std::vector<Action> result;
    for (const auto& change : report.changes) {
        result.push_back(change.action);
    }
    return result;
}

}  // namespace

TEST_CASE("import adds, keeps, updates and rehashes, in source order", "[bulk_import]") {
    PwFile file = PwFile::parse("# staff\nbob:$7$5$AAECAwQFBgcICQoL$" + std::string(86, 'A') + "==\ncarol:plain\n");
    const auto first = import(file, records_of({{"alice", "a"}, {"carol", "plain"}}));
    CHECK(actions(first) == std::vector<Action>{Action::added, Action::rehashed});
    const std::string after_first = file.serialise();
    const auto again = import(file, records_of({{"alice", "a"}, {"carol", "plain"}}));
    CHECK(actions(again) == std::vector<Action>{Action::unchanged, Action::unchanged});
    CHECK_FALSE(again.changed());
    CHECK(file.serialise() == after_first);
    const auto changed = import(file, records_of({{"alice", "new"}}));
    CHECK(actions(changed) == std::vector<Action>{Action::updated});
    CHECK(verify_hash(file.lines()[file.find("alice")].hash, Secret::copy_of("new")) == Verification::match);
    CHECK(file.lines()[0].text == "# staff");
}

TEST_CASE("prune removes the users the source does not name, and only them", "[bulk_import]") {
    PwFile file = PwFile::parse("# keep me\na:x\nb:y\nc:z\nb:dup\n");
    const auto report = import(file, records_of({{"a", "x"}}), true);
    REQUIRE(report.changes.size() == 3);
    CHECK(report.changes[1].user == "b");
    CHECK(report.changes[1].action == Action::removed);
    CHECK(report.changes[2].user == "c");
    CHECK(file.serialise().rfind("# keep me\na:$7$10$", 0) == 0);
    CHECK(file.lines().size() == 2);
}

TEST_CASE("the result does not depend on the number of threads", "[bulk_import]") {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (int i = 0; i < 200; ++i) {
        pairs.emplace_back("user" + std::to_string(i), "pw" + std::to_string(i));
    }
    PwFile one_thread;
    PwFile four_threads;
    (void)import(one_thread, records_of(pairs), false, 1);
    (void)import(four_threads, records_of(pairs), false, 4);
    REQUIRE(one_thread.lines().size() == 200);
    for (std::size_t i = 0; i < 200; ++i) {
        CHECK(one_thread.lines()[i].username == four_threads.lines()[i].username);
    }
    CHECK(verify_hash(four_threads.lines()[137].hash, Secret::copy_of("pw137")) == Verification::match);
}

TEST_CASE("set_all matches set, one pass", "[pwfile]") {
    const std::string content = "a:1\r\nb:2\r\na:3\r\nc:4";
    PwFile one = PwFile::parse(content);
    PwFile many = PwFile::parse(content);
    one.set("a", "A");
    one.set("d", "D");
    std::vector<NewEntry> entries;
    entries.push_back(new_entry("a", "A"));
    entries.push_back(new_entry("d", "D"));
    many.set_all(std::move(entries));
    CHECK(many.serialise() == one.serialise());
    CHECK(many.serialise() == "a:A\r\nb:2\r\nc:4\r\nd:D\r\n");
}

TEST_CASE("prune keeps the users that skipped records name", "[bulk_import]") {
    PwFile file = PwFile::parse("a:x\nb:y\nc:z\n");
    const auto records = records_of({{"a", "x"}});
    const std::vector<HashSpec> specs(records.size(), fast());
    const auto report = import_users(file, records, specs, test::v2_0, {true, 1, {}, {"b"}});
    REQUIRE(report.changes.size() == 2);
    CHECK(report.changes[1].user == "c");
    CHECK(report.changes[1].action == Action::removed);
    CHECK(file.find("b") != PwFile::npos);
}

TEST_CASE("prune refuses a guessed format and a skipped record whose user cannot be read", "[bulk_import]") {
    ImportBatch batch;
    batch.guessed = true;
    std::string message;
    try {
        check_prune_is_safe(batch, "src");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        message = describe(error);
    }
    CHECK(message == "src: --prune removes users, so it never runs on a guessed format: give --format (lines, csv, "
                     "jsonl or json)");
    batch.guessed = false;
    batch.skipped.push_back({4, "user 'bob': the password is empty", std::string("bob")});
    check_prune_is_safe(batch, "src");  // bob is named: prune can keep him
    batch.skipped.push_back({5, "username must not start or end with a space", std::string("alice ")});
    message.clear();
    try {
        check_prune_is_safe(batch, "src");
    } catch (const Error& error) {
        message = describe(error);
    }
    CHECK(message.rfind("src:5: not pruning: this record was skipped", 0) == 0);  // the broker reads 'alice'
    batch.skipped.pop_back();
    batch.skipped.push_back({7, "no ':' between username and password", std::nullopt});
    message.clear();
    try {
        check_prune_is_safe(batch, "src");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::failure);
        message = describe(error);
    }
    CHECK(message.rfind("src:7: not pruning: this record was skipped", 0) == 0);
}
