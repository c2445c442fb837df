#include "core/crypto/secret.hpp"
#include "core/pwfile/password.hpp"
#include "support/catch.hpp"

#include <string>

using namespace mqpasswd;

TEST_CASE("password rules", "[password]") {
    CHECK_FALSE(password_problem(Secret::copy_of("x")));
    CHECK_FALSE(password_problem(Secret::copy_of("pa:ss word \xff")));
    CHECK_FALSE(password_problem(Secret::copy_of(std::string(65535, 'p'))));
    CHECK(password_problem(Secret::copy_of("")) == "password is empty");
    CHECK(password_problem(Secret::copy_of(std::string(65536, 'p'))) == "password is longer than 65535 bytes");
    CHECK(password_problem(Secret::copy_of(std::string("ab\0c", 4))) ==
          "password contains a NUL byte (the broker would ignore everything after it)");
}
