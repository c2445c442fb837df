#include "core/crypto/secret.hpp"
#include "support/catch.hpp"

#include <type_traits>

using namespace mqpasswd;

static_assert(!std::is_copy_constructible_v<Secret>, "a Secret must never be copied");
static_assert(!std::is_copy_assignable_v<Secret>, "a Secret must never be copied");
static_assert(std::is_nothrow_move_constructible_v<Secret>);

TEST_CASE("Secret grows byte by byte and keeps its content", "[secret]") {
    Secret secret;
    std::string expected;
    for (int i = 0; i < 1000; ++i) {
        const char c = static_cast<char>('a' + i % 26);
        secret.push_back(c);
        expected += c;
    }
    CHECK(secret.size() == 1000);
    CHECK(secret.equals(expected));
    secret.pop_back();
    CHECK(secret.size() == 999);
    CHECK(secret.back() == expected[998]);
}

TEST_CASE("Secret comparison", "[secret]") {
    CHECK(Secret::copy_of("abc").equals(Secret::copy_of("abc")));
    CHECK_FALSE(Secret::copy_of("abc").equals(Secret::copy_of("abd")));
    CHECK_FALSE(Secret::copy_of("abc").equals(Secret::copy_of("abcd")));
    CHECK(Secret().equals(Secret::copy_of("")));
    CHECK(Secret::copy_of("a:b").contains(':'));
    CHECK_FALSE(Secret::copy_of("ab").contains(':'));
}

TEST_CASE("Secret move leaves the source empty", "[secret]") {
    Secret source = Secret::copy_of("hunter2");
    Secret target = std::move(source);
    CHECK(target.equals("hunter2"));
    CHECK(source.empty());  // NOLINT(bugprone-use-after-move): the state after a move is the point
    source = std::move(target);
    CHECK(source.equals("hunter2"));
}

TEST_CASE("clear and wipe leave no bytes behind", "[secret]") {
    Secret secret = Secret::copy_of("hunter2");
    const unsigned char* storage = secret.bytes().data();
    secret.clear();
    CHECK(secret.empty());
    for (int i = 0; i < 7; ++i) {
        CHECK(storage[i] == 0);  // the buffer is still ours: clear() keeps it, zeroed
    }
    std::string text = "hunter2";
    const char* text_storage = text.data();
    wipe(text);
    CHECK(text.empty());
    CHECK(std::string(text_storage, 7) == std::string(7, '\0'));
}
