#include "core/error.hpp"
#include "core/query.hpp"
#include "core/secret.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

namespace {
const std::string v7 =
    "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w==";

}  // namespace

TEST_CASE("verify_line matches, mismatches, and reports the line", "[query]") {
    const PwFile file = PwFile::parse("# c\nalice:" + v7 + "\n");
    const PwLine& line = require_user(file, "pw", "alice");
    const VerifyResult good = verify_line(line, Secret::copy_of("secret"));
    CHECK(good.verification == Verification::match);
    CHECK(good.line == 2);
    CHECK(good.info.iterations == 101);
    CHECK(verify_line(line, Secret::copy_of("nope")).verification == Verification::mismatch);
}

TEST_CASE("require_user refuses absent, malformed and duplicated users with FILE:LINE", "[query]") {
    const PwFile file = PwFile::parse("alice:" + v7 + "\nbob:\ncarol:x\ncarol:y\n");
    std::string message;
    CHECK(error_code_of([&] { (void)require_user(file, "pw", "zed"); }, message) == ExitCode::no_such_user);
    CHECK(message == "pw: no such user 'zed'");
    CHECK(error_code_of([&] { (void)require_user(file, "pw", "bob"); }, message) == ExitCode::failure);
    CHECK(message == "pw:2: missing password hash after ':'");
    CHECK(error_code_of([&] { (void)require_user(file, "pw", "carol"); }, message) == ExitCode::failure);
    CHECK(message == "pw:4: duplicate user 'carol' (first at line 3)");
    CHECK(error_code_of([&] { (void)require_user(file, "pw", "alice"); }, message) == ExitCode::ok);
}

TEST_CASE("list_users lists entries in order and collects problems", "[query]") {
    const Listing listing = list_users(PwFile::parse("alice:" + v7 + "\n# c\nbroken\nbob:plain\nalice:x\n"));
    REQUIRE(listing.users.size() == 3);
    CHECK(listing.users[0].user == "alice");
    CHECK(listing.users[1].info.kind == HashKind::plain_text);
    CHECK(listing.users[1].line == 4);
    REQUIRE(listing.problems.size() == 2);
    CHECK(listing.problems[0].line == 3);
    CHECK(listing.problems[1].line == 5);
}

TEST_CASE("load_password_file names a missing file", "[query]") {
    const test::TempDir dir;
    std::string message;
    CHECK(error_code_of([&] { (void)load_password_file(dir.file("none")); }, message) == ExitCode::failure);
    CHECK(message == dir.file("none") + ": no such file");
}
