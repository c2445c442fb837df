#include "core/pwfile/lint.hpp"
#include "support/broker_targets.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mqpasswd;

namespace {

const std::string good = "$7$1000$AAECAwQFBgcICQoL$" + std::string(86, 'A') + "==";
const std::string salt64 = std::string(86, 'A') + "==";

std::vector<std::string> messages(const std::vector<Finding>& findings) {
    std::vector<std::string> result;
    for (const auto& finding : findings) {
        result.push_back((finding.severity == Severity::error ? "E" : "W") + std::to_string(finding.line) + " " +
                         finding.message);
    }
    return result;
}

std::vector<std::string> lint(const std::string& content, const BrokerTarget& broker = test::v2_0, mode_t mode = 0600) {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), content);
    ::chmod(dir.file("pw").c_str(), mode);
    return messages(lint_password_file(dir.file("pw"), broker, std::nullopt));
}

}  // namespace

TEST_CASE("a clean file has no findings", "[lint]") {
    CHECK(lint("# staff\n\nalice:" + good + "\n").empty());
}

TEST_CASE("each content problem is found at its line", "[lint]") {
    const auto found = lint("a:plain\n:" + good + "\nb:$5$x$y\nc:$6$AAECAwQFBgcICQoL$" + std::string(86, 'A') +
                            "==\nd:$7$5$AAECAwQFBgcICQoL$" + std::string(86, 'A') + "==\ne:$7$1000$" + salt64 + "$" +
                            std::string(86, 'A') + "==\na:" + good + "\n");
    REQUIRE(found.size() == 7);
    CHECK(found[0] ==
          "E1 user 'a' is stored as plain text, which brokers built with TLS refuse (run 'mqpasswd upgrade')");
    CHECK(found[1] == "E2 missing username before ':'");
    CHECK(found[2] == "E3 user 'b' has a hash format no Mosquitto broker reads");
    CHECK(found[3] == "W4 user 'c' uses $6$ (a single salted SHA-512): set the password again for PBKDF2");
    CHECK(found[4] == "W5 user 'd' uses only 5 PBKDF2 iterations (fewer than 1000)");
    CHECK(found[5] == "E6 user 'e' has a 64-byte salt, which a 2.0 broker cannot read");
    CHECK(found[6] ==
          "E7 duplicate user 'a' (first at line 1) (a 2.1 broker refuses the whole file, and stops on reload)");
}

TEST_CASE("an argon2id line is an error for a broker without libargon2 or of unknown build", "[lint]") {
    const std::string raw64 = std::string(86, 'A');  // 64 bytes, unpadded as argon2 encodes
    const std::string line = "u:$argon2id$v=19$m=47104,t=1,p=1$" + raw64 + "$" + raw64 + "\n";
    CHECK(lint(line, test::v2_1).empty());
    const auto without = lint(line, test::v2_1_no_argon2);
    REQUIRE(without.size() == 1);
    CHECK(without[0] == "E1 user 'u' has an argon2id hash, which this 2.1 broker cannot read: it is built without "
                        "libargon2 (as Debian's and the Docker image's are) and stops at this line");
    const auto unknown = lint(line, test::v2_1_unknown_argon2);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].starts_with("E1 user 'u' has an argon2id hash, which a 2.1 broker built without libargon2"));
    CHECK(lint(line, test::v2_0) == std::vector<std::string>{"E1 user 'u' has an argon2id hash, which a 2.0 broker "
                                                             "cannot read"});
}

TEST_CASE("what a 2.1 broker reads is clean for 2.1", "[lint]") {
    const std::string line = "e:$7$1000$" + salt64 + "$" + std::string(86, 'A') + "==\n";
    CHECK(lint(line, test::v2_1).empty());
    CHECK(lint(line, test::v2_0).size() == 1);
}

TEST_CASE("permissions for others and symlinks", "[lint]") {
    const auto open = lint("alice:" + good + "\n", test::v2_0, 0644);
    REQUIRE(open.size() == 1);
    CHECK(open[0].rfind("W0 mode 0644 gives others access", 0) == 0);
    const test::TempDir dir;
    test::write_file(dir.file("real"), "alice:" + good + "\n");
    REQUIRE(::symlink(dir.file("real").c_str(), dir.file("link").c_str()) == 0);
    CHECK(messages(lint_password_file(dir.file("link"), test::v2_1, std::nullopt)) ==
          std::vector<std::string>{"E0 is a symbolic link, which a 2.1 broker refuses to open"});
    // A 2.0 broker follows it: a warning (mqpasswd still reads nothing through it), no error.
    CHECK(messages(lint_password_file(dir.file("link"), test::v2_0, std::nullopt)) ==
          std::vector<std::string>{"W0 is a symbolic link: a 2.0 broker follows it, a 2.1 broker refuses it; its "
                                   "target was not checked (name the target)"});
}

TEST_CASE("the broker's account must be able to read the file", "[lint]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "alice:" + good + "\n");
    ::chmod(dir.file("pw").c_str(), 0600);
    ::chmod(dir.path().c_str(), 0755);
    BrokerAccount stranger{"stranger", ::geteuid() + 4242, ::getegid() + 4242, {}};
    const auto found = messages(lint_password_file(dir.file("pw"), test::v2_0, stranger));
    REQUIRE(found.size() == 3);
    CHECK(found[0].rfind("E0 the broker's user stranger cannot read it: chown stranger", 0) == 0);
    CHECK(found[1].rfind("W0 is not owned by the broker's user stranger", 0) == 0);
    CHECK(found[2].rfind("W0 its group is not the broker's group", 0) == 0);
    BrokerAccount owner{"owner", ::geteuid(), ::getegid(), {}};
    CHECK(lint_password_file(dir.file("pw"), test::v2_0, owner).empty());
    BrokerAccount group_member{"member", ::geteuid() + 4242, ::getegid() + 4242, {::getegid()}};
    ::chmod(dir.file("pw").c_str(), 0640);
    CHECK(messages(lint_password_file(dir.file("pw"), test::v2_0, group_member)).size() == 2);  // readable
}

// A broker's user that reads the file only through the bits for others (root:root 0644) is
// locked out by `chmod o-rwx`: the advice gives the file to that user instead.
TEST_CASE("the advice for others' access never locks the broker's user out", "[lint]") {
    const test::TempDir dir;
    const std::string path = dir.file("pw");
    test::write_file(path, "alice:" + good + "\n");
    ::chmod(path.c_str(), 0644);
    ::chmod(dir.path().c_str(), 0755);
    const BrokerAccount stranger{"stranger", ::geteuid() + 4242, ::getegid() + 4242, {}};
    REQUIRE(::getgrgid(stranger.gid) == nullptr);  // so the advice names no group
    const auto found = messages(lint_password_file(path, test::v2_0, stranger));
    REQUIRE(found.size() == 3);
    CHECK(found[0] == "W0 mode 0644 gives others access (brokers warn, future versions refuse): chown stranger " +
                          path + " && chmod 0600 " + path);
    const BrokerAccount owner{"owner", ::geteuid(), ::getegid(), {}};
    CHECK(messages(lint_password_file(path, test::v2_0, owner)) ==
          std::vector<std::string>{"W0 mode 0644 gives others access (brokers warn, future versions refuse): "
                                   "chmod o-rwx " +
                                   path});
}
