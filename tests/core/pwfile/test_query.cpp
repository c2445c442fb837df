#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/pwfile/query.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <vector>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

namespace {
const std::string v7 =
    "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w==";

// A file in a fresh directory, as the queries read files.
struct PasswordFile {
    test::TempDir dir;
    std::string path = dir.file("pw");
    explicit PasswordFile(const std::string& content) { test::write_file(path, content); }
};

struct Listed {
    std::vector<std::string> names;  // what the first pass announced
    std::vector<UserInfo> users;     // with `user` repointed at `owned`
    std::vector<std::string> owned;
    std::vector<LineProblem> problems;
    std::vector<std::string> order;  // "name", "user" and "problem" in the order they came
};

Listed listed(const std::string& path) {
    Listed result;
    result.owned.reserve(1000);
    ListingHandlers handlers;
    handlers.name = [&](std::string_view name) {
        result.names.emplace_back(name);
        result.order.emplace_back("name");
    };
    handlers.user = [&](const UserInfo& user) {
        result.owned.emplace_back(user.user);
        result.users.push_back({result.owned.back(), user.info, user.line});
        result.order.emplace_back("user");
    };
    handlers.problem = [&](const LineProblem& problem) {
        result.problems.push_back(problem);
        result.order.emplace_back("problem");
    };
    list_users(path, handlers);
    return result;
}

}  // namespace

TEST_CASE("verify_user matches, mismatches, and reports the line", "[query]") {
    const PasswordFile file("# c\nalice:" + v7 + "\n");
    const UserHash line = find_user(file.path, "alice");
    const VerifyResult good = verify_user(line, Secret::copy_of("secret"));
    CHECK(good.verification == Verification::match);
    CHECK(good.line == 2);
    CHECK(good.info.iterations == 101);
    CHECK(verify_user(line, Secret::copy_of("nope")).verification == Verification::mismatch);
}

TEST_CASE("find_user refuses absent, malformed and duplicated users with FILE:LINE", "[query]") {
    const PasswordFile file("alice:" + v7 + "\nbob:\ncarol:x\ncarol:y\n \n#dave:x\n");
    const std::string& pw = file.path;
    std::string message;
    CHECK(error_code_of([&] { (void)find_user(pw, "zed"); }, message) == ExitCode::no_such_user);
    CHECK(message == pw + ": no such user 'zed'");
    CHECK(error_code_of([&] { (void)find_user(pw, "bob"); }, message) == ExitCode::failure);
    CHECK(message == pw + ":2: missing password hash after ':'");
    CHECK(error_code_of([&] { (void)find_user(pw, "carol"); }, message) == ExitCode::failure);
    CHECK(message == pw + ":4: duplicate user 'carol' (first at line 3)");
    CHECK(error_code_of([&] { (void)find_user(pw, "alice"); }, message) == ExitCode::ok);
    // Neither a blank line nor a comment names anyone.
    CHECK(error_code_of([&] { (void)find_user(pw, ""); }, message) == ExitCode::no_such_user);
    CHECK(error_code_of([&] { (void)find_user(pw, "#dave"); }, message) == ExitCode::no_such_user);
}

TEST_CASE("find_user reads the name as the broker does, on every kind of line end", "[query]") {
    const PasswordFile file("x:y\r\n  alice \t:  " + v7 + "  \r\nlast:plain");
    CHECK(find_user(file.path, "alice").line == 2);
    CHECK(verify_user(find_user(file.path, "alice"), Secret::copy_of("secret")).verification == Verification::match);
    const UserHash last = find_user(file.path, "last");
    CHECK(last.line == 3);
    CHECK(last.hash.text() == "plain");
}

TEST_CASE("list_users streams entries in order and reports problems", "[query]") {
    const PasswordFile file("alice:" + v7 + "\n# c\nbroken\nbob:plain\nalice:x\n");
    const Listed listing = listed(file.path);
    REQUIRE(listing.users.size() == 3);
    CHECK(listing.users[0].user == "alice");
    CHECK(listing.users[0].info.iterations == 101);
    CHECK(listing.users[1].info.kind == HashKind::plain_text);
    CHECK(listing.users[1].line == 4);
    CHECK(listing.names == std::vector<std::string>{"alice", "bob", "alice"});
    REQUIRE(listing.problems.size() == 2);
    CHECK(listing.problems[0].line == 3);
    CHECK(listing.problems[0].message == "no ':' between username and password hash");
    CHECK(listing.problems[1].line == 5);
    CHECK(listing.problems[1].message == "duplicate user 'alice' (first at line 1)");
    // Every name and malformed line comes before the first user: widths and warnings come first.
    CHECK(listing.order ==
          std::vector<std::string>{"name", "problem", "name", "name", "user", "user", "user", "problem"});
}

TEST_CASE("list_users finds every duplicate, malformed lines included, and no others", "[query]") {
    std::string content;
    for (int i = 0; i < 500; ++i) {
        content += "user" + std::to_string(i) + ":x\n";
    }
    content += "user7:\nuser499:y\nuser500:z\n";
    const PasswordFile file(content);
    const Listed listing = listed(file.path);
    CHECK(listing.users.size() == 502);
    REQUIRE(listing.problems.size() == 3);
    CHECK(listing.problems[0].message == "missing password hash after ':'");
    CHECK(listing.problems[1].message == "duplicate user 'user7' (first at line 8)");
    CHECK(listing.problems[1].line == 501);
    CHECK(listing.problems[2].message == "duplicate user 'user499' (first at line 500)");
}

TEST_CASE("queries name a missing file", "[query]") {
    const test::TempDir dir;
    std::string message;
    CHECK(error_code_of([&] { (void)find_user(dir.file("none"), "a"); }, message) == ExitCode::failure);
    CHECK(message == dir.file("none") + ": no such file");
    CHECK(error_code_of([&] { list_users(dir.file("none"), {}); }, message) == ExitCode::failure);
    CHECK(message == dir.file("none") + ": no such file");
}
