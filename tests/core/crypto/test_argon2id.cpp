#include "core/crypto/argon2id.hpp"
#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"

#include <argon2.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mqpasswd;

namespace {

std::string reference(std::uint32_t t, std::uint32_t m, std::uint32_t p, const std::string& password,
                      const std::vector<std::uint8_t>& salt, std::size_t hash_length) {
    std::string encoded(argon2_encodedlen(t, m, p, static_cast<std::uint32_t>(salt.size()),
                                          static_cast<std::uint32_t>(hash_length), Argon2_id),
                        '\0');
    REQUIRE(argon2id_hash_encoded(t, m, p, password.data(), password.size(), salt.data(), salt.size(), hash_length,
                                  encoded.data(), encoded.size()) == ARGON2_OK);
    encoded.resize(encoded.find('\0'));
    return encoded;
}

}  // namespace

TEST_CASE("argon2id with reused memory writes what argon2id_hash_encoded writes", "[argon2id]") {
    std::mt19937 random(20261201);
    for (int round = 0; round < 40; ++round) {
        const auto t = static_cast<std::uint32_t>(1 + random() % 3);
        const auto p = static_cast<std::uint32_t>(1 + random() % 2);
        // Memory grows and shrinks between rounds: the buffer is reused, regrown, never too small.
        const auto m = static_cast<std::uint32_t>(8 * p + random() % 200);
        std::string password(random() % 300, '\0');
        for (auto& c : password) {
            c = static_cast<char>(random());
        }
        std::vector<std::uint8_t> salt(8 + random() % 57);
        random_bytes(salt);
        const std::size_t hash_length = round % 2 == 0 ? 64 : 4 + random() % 60;
        CAPTURE(t, m, p, password.size(), salt.size(), hash_length);
        CHECK(argon2id_encoded(t, m, p, Secret::copy_of(password), salt, hash_length) ==
              reference(t, m, p, password, salt, hash_length));
    }
}

TEST_CASE("argon2id's reused memory is per thread", "[argon2id]") {
    const std::vector<std::uint8_t> salt(16, 7);
    const std::string expected = reference(1, 64, 1, "pw", salt, 64);
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] {
            for (int n = 0; n < 5; ++n) {
                results[i] =
                    argon2id_encoded(1, 64 + static_cast<std::uint32_t>(n), 1, Secret::copy_of("pw"), salt, 64);
            }
            results[i] = argon2id_encoded(1, 64, 1, Secret::copy_of("pw"), salt, 64);
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const auto& result : results) {
        CHECK(result == expected);
    }
}

TEST_CASE("argon2id refuses what libargon2 refuses", "[argon2id]") {
    CHECK_THROWS_AS(argon2id_encoded(1, 64, 1, Secret::copy_of("pw"), std::vector<std::uint8_t>(4), 64), Error);
}
