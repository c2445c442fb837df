#include "core/pwfile/username.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

TEST_CASE("usernames the broker can use are accepted", "[username]") {
    for (const std::string name : {"alice", "a b", "ünï©ødé", "user@example.com", "x", "日本語", "a#b"}) {
        INFO(name);
        CHECK_FALSE(username_problem(name));
    }
    CHECK_FALSE(username_problem(std::string(65535, 'u')));
}

TEST_CASE("each username rule gives its own reason", "[username]") {
    CHECK(username_problem("") == "username is empty");
    CHECK(username_problem(std::string(65536, 'u')) == "username is longer than 65535 bytes");
    CHECK(username_problem("a:b") == "username must not contain ':'");
    CHECK(username_problem("a\tb") == "username must not contain control characters");
    CHECK(username_problem("a\nb") == "username must not contain control characters");
    CHECK(username_problem(std::string("a\0b", 3)) == "username must not contain control characters");
    CHECK(username_problem("a\x7f") == "username must not contain control characters");
    CHECK(username_problem("a\xc2\x85") == "username must not contain control characters");  // U+0085 (C1)
    CHECK(username_problem("\xff\xfe") == "username is not valid UTF-8");
    CHECK(username_problem("\xc0\xaf") == "username is not valid UTF-8");          // overlong '/'
    CHECK(username_problem("\xed\xa0\x80") == "username is not valid UTF-8");      // surrogate
    CHECK(username_problem("\xf4\x90\x80\x80") == "username is not valid UTF-8");  // beyond U+10FFFF
    CHECK(username_problem("\xe2\x82") == "username is not valid UTF-8");          // truncated
    CHECK(username_problem(" alice") == "username must not start or end with a space (the broker would trim it)");
    CHECK(username_problem("alice ") == "username must not start or end with a space (the broker would trim it)");
    CHECK(username_problem("#alice") ==
          "username must not start with '#' (the broker would read the line as a comment)");
}
