#include "core/pwfile/legacy_scan.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

TEST_CASE("mosquitto_passwd's split: strtok on ':' and trimmed fields", "[legacy_scan]") {
    CHECK(legacy_username("alice:hash") == "alice");
    CHECK(legacy_username(" alice : hash ") == "alice");
    CHECK(legacy_username("::alice:hash") == "alice");  // leading separators are skipped
    CHECK(legacy_username("alice:hash:extra") == "alice");
    CHECK(legacy_username("# staff").empty());
    CHECK(legacy_username("").empty());
    CHECK(legacy_username("   ").empty());
    CHECK(legacy_username("alice:").empty());
    CHECK(legacy_username("alice:  ").empty());
    CHECK(legacy_username(":hash").empty());  // one token only: the "user" has no password
}

TEST_CASE("the scan stops at the first corrupt line", "[legacy_scan]") {
    const PwFile file = PwFile::parse("alice:x\n# staff\nbob:y\n");
    const LegacyScan for_alice = legacy_scan(file, "alice");
    CHECK(for_alice.corrupt_line == 2);
    CHECK(for_alice.user_seen);
    const LegacyScan for_bob = legacy_scan(file, "bob");
    CHECK(for_bob.corrupt_line == 2);
    CHECK_FALSE(for_bob.user_seen);  // bob is after the corrupt line: the real tool never sees him
    const LegacyScan clean = legacy_scan(PwFile::parse("alice:x\nbob:y"), "bob");
    CHECK(clean.corrupt_line == 0);
    CHECK(clean.user_seen);
}
