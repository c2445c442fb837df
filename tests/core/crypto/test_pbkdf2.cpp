#include "core/crypto/pbkdf2.hpp"
#include "core/crypto/pbkdf2_hmac.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"
#include "support/random_bytes.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace mqpasswd;
using mqpasswd::test::random_bytes_of;

namespace {

std::string derive_hex(const std::string& password, const std::string& salt, std::uint32_t iterations,
                       std::size_t length = 64) {
    std::vector<std::uint8_t> out(length);
    pbkdf2_hmac_sha512({reinterpret_cast<const unsigned char*>(password.data()), password.size()},
                       {reinterpret_cast<const std::uint8_t*>(salt.data()), salt.size()}, iterations, out);
    std::string hex;
    for (const auto byte : out) {
        char pair[3];
        std::snprintf(pair, sizeof pair, "%02x", byte);
        hex += pair;
    }
    return hex;
}

}  // namespace

// The published PBKDF2-HMAC-SHA512 vectors (the RFC 6070 inputs with SHA-512, as listed in the
// "PBKDF2-HMAC-SHA512 test vectors" answers and checked against Python's hashlib).
TEST_CASE("PBKDF2-HMAC-SHA512 matches the published vectors", "[pbkdf2]") {
    CHECK(derive_hex("password", "salt", 1) == "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
                                               "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
    CHECK(derive_hex("password", "salt", 2) == "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
                                               "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
    CHECK(derive_hex("password", "salt", 4096) == "d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5"
                                                  "143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5");
    CHECK(derive_hex("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096) ==
          "8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71"
          "115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8");
}

TEST_CASE("PBKDF2 output shorter than one block is the block's prefix", "[pbkdf2]") {
    CHECK(derive_hex("password", "salt", 1, 16) == "867f70cf1ade02cff3752599a3a53dc4");
}

// Property test: our precomputed-state implementation equals OpenSSL's PKCS5_PBKDF2_HMAC for
// random passwords (including ones longer than a SHA-512 block, which HMAC hashes first), salts,
// iteration counts and output lengths (several blocks).
TEST_CASE("PBKDF2 equals OpenSSL's PKCS5_PBKDF2_HMAC on random inputs", "[pbkdf2]") {
    std::mt19937 random(20261126);
    const auto bytes = [&](std::size_t length) { return random_bytes_of(random, length); };
    for (int round = 0; round < 300; ++round) {
        const auto password = bytes(random() % 300);
        const auto salt = bytes(random() % 300);
        // Mostly short runs; every tenth round a long one (the iteration loop carries state).
        const auto iterations = static_cast<std::uint32_t>(round % 10 == 0 ? 1 + random() % 5000 : 1 + random() % 40);
        const std::size_t length = 1 + random() % 200;
        std::vector<std::uint8_t> ours(length);
        std::vector<std::uint8_t> theirs(length);
        static const unsigned char empty = 0;
        REQUIRE(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.empty() ? &empty : password.data()),
                                  static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                                  static_cast<int>(iterations), EVP_sha512(), static_cast<int>(length),
                                  theirs.data()) == 1);
        // Each compression function, forced, and the one chosen by the amount of work.
        for (const auto engine : {Pbkdf2Engine::portable, Pbkdf2Engine::openssl, Pbkdf2Engine::automatic}) {
            std::fill(ours.begin(), ours.end(), std::uint8_t{0});
            pbkdf2_hmac_sha512(password, salt, iterations, ours, engine);
            INFO(engine_name(engine) << ": password " << password.size() << " salt " << salt.size() << " iterations "
                                     << iterations << " length " << length);
            CHECK(ours == theirs);
        }
    }
}

// The rule pbkdf2.hpp states: OpenSSL's compression from openssl_from_iterations of work on.
TEST_CASE("PBKDF2 loads OpenSSL's compression function only for long runs", "[pbkdf2]") {
    CHECK(engine_for(1) == Pbkdf2Engine::portable);
    CHECK(engine_for(openssl_from_iterations - 1) == Pbkdf2Engine::portable);
    CHECK(engine_for(openssl_from_iterations) == Pbkdf2Engine::openssl);
    CHECK(engine_for(std::uint64_t{1} << 40) == Pbkdf2Engine::openssl);
}

TEST_CASE("PBKDF2 refuses zero iterations", "[pbkdf2]") {
    CHECK_THROWS_AS(derive_hex("password", "salt", 0), Error);
}

namespace {

std::array<std::uint8_t, 64> openssl_pbkdf2(const std::vector<unsigned char>& password,
                                            const std::vector<unsigned char>& salt, std::uint32_t iterations) {
    std::array<std::uint8_t, 64> out{};
    static const unsigned char empty = 0;
    REQUIRE(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.empty() ? &empty : password.data()),
                              static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                              static_cast<int>(iterations), EVP_sha512(), static_cast<int>(out.size()),
                              out.data()) == 1);
    return out;
}

#if defined(__x86_64__)
bool cpu_flag(const std::string& flag) {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.starts_with("flags") && (line + ' ').find(' ' + flag + ' ') != std::string::npos) {
            return true;
        }
    }
    return false;
}
#endif

}  // namespace

// Every kernel this CPU runs, forced one by one (not only the one the batch would pick), against
// OpenSSL on random batches: passwords of 0-300 bytes (over 128, HMAC hashes the key first), salts of
// 0-200, 1-3000 iterations, batches of 1-19 jobs that fill the lanes partly, with equal iteration
// counts (sharing lanes) or mixed ones (lanes of different groups).
TEST_CASE("every PBKDF2 kernel equals PKCS5_PBKDF2_HMAC on random batches", "[pbkdf2]") {
    std::mt19937 random(20261201);
    for (const auto kernel : supported_pbkdf2_kernels()) {
        for (int round = 0; round < 40; ++round) {
            const std::size_t count = 1 + random() % 19;
            const bool equal_iterations = round % 2 == 0;
            const auto shared = static_cast<std::uint32_t>(round % 8 == 0 ? 1 + random() % 3000 : 1 + random() % 60);
            std::vector<std::vector<unsigned char>> passwords;
            std::vector<std::vector<unsigned char>> salts;
            std::vector<std::uint32_t> iterations;
            for (std::size_t i = 0; i < count; ++i) {
                passwords.push_back(random_bytes_of(random, random() % 301));
                salts.push_back(random_bytes_of(random, random() % 201));
                iterations.push_back(equal_iterations ? shared : static_cast<std::uint32_t>(1 + random() % 300));
            }
            std::vector<std::array<std::uint8_t, 64>> outputs(count);
            std::vector<Pbkdf2Job> jobs;
            for (std::size_t i = 0; i < count; ++i) {
                jobs.push_back({passwords[i], salts[i], iterations[i], outputs[i]});
            }
            pbkdf2_hmac_sha512_batch(jobs, kernel);
            for (std::size_t i = 0; i < count; ++i) {
                INFO("kernel " << kernel_name(kernel) << " job " << i << " of " << count << ": password "
                               << passwords[i].size() << " salt " << salts[i].size() << " iterations "
                               << iterations[i]);
                CHECK(outputs[i] == openssl_pbkdf2(passwords[i], salts[i], iterations[i]));
            }
        }
    }
}

// The suite must exercise the SIMD kernels where the CPU has them: a dispatch that silently fell
// back to scalar would pass the test above on its own.
TEST_CASE("the PBKDF2 kernels supported are those the CPU has", "[pbkdf2]") {
    const auto kernels = supported_pbkdf2_kernels();
    REQUIRE(!kernels.empty());
    CHECK(kernels.back() == Pbkdf2Kernel::scalar);
    const auto has = [&](Pbkdf2Kernel kernel) {
        return std::find(kernels.begin(), kernels.end(), kernel) != kernels.end();
    };
#if defined(__x86_64__)
    CHECK(has(Pbkdf2Kernel::avx512) == cpu_flag("avx512f"));
    CHECK(has(Pbkdf2Kernel::avx2) == cpu_flag("avx2"));
#else
    CHECK(kernels.size() == 1);
#endif
    for (const auto kernel : {Pbkdf2Kernel::avx512, Pbkdf2Kernel::avx2}) {
        if (!has(kernel)) {
            std::array<std::uint8_t, 64> out{};
            const std::vector<Pbkdf2Job> jobs{{{}, {}, 1, out}};
            CHECK_THROWS_AS(pbkdf2_hmac_sha512_batch(jobs, kernel), Error);
        }
    }
}

TEST_CASE("a PBKDF2 batch refuses zero iterations before computing any job", "[pbkdf2]") {
    std::array<std::uint8_t, 64> first{};
    std::array<std::uint8_t, 64> second{};
    const std::vector<Pbkdf2Job> jobs{{{}, {}, 5, first}, {{}, {}, 0, second}};
    CHECK_THROWS_AS(pbkdf2_hmac_sha512_batch(jobs), Error);
    CHECK(first == std::array<std::uint8_t, 64>{});
}

namespace {

constexpr std::size_t stack_probe_size = 32768;
const std::string stack_probe_password = "correct horse battery staple";

[[gnu::noinline]] void derive_for_probe(Pbkdf2Engine engine) {
    const std::array<std::uint8_t, 12> salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    std::array<std::uint8_t, 64> out{};
    pbkdf2_hmac_sha512(
        {reinterpret_cast<const unsigned char*>(stack_probe_password.data()), stack_probe_password.size()}, salt, 4096,
        out, engine);
    asm volatile("" : : "r"(out.data()) : "memory");
}

// The stack below the caller's frame as a function called next finds it: what the derivation
// left there (the bytes are read, never interpreted).
[[gnu::noinline]] void copy_stack_below(std::vector<unsigned char>& copy) {
    unsigned char area[stack_probe_size];
    asm volatile("" : : "r"(area) : "memory");
    std::memcpy(copy.data(), area, sizeof area);
}

}  // namespace

// Found missing once (review of the lazily loaded libcrypto): OpenSSL's SHA512_Transform and the
// portable compression spill their working state, the HMAC key states among it, to the stack, and
// nothing names those bytes to wipe them. Without the final wipe_stack_below(), the key states'
// words were found in 35 of 40 runs.
TEST_CASE("a PBKDF2 derivation leaves none of its key states on the stack", "[pbkdf2]") {
    const pbkdf2_detail::HmacStates states = pbkdf2_detail::precompute(
        {reinterpret_cast<const unsigned char*>(stack_probe_password.data()), stack_probe_password.size()});
    std::vector<unsigned char> copy(stack_probe_size);
    for (const auto engine : {Pbkdf2Engine::openssl, Pbkdf2Engine::portable}) {
        derive_for_probe(engine);
        copy_stack_below(copy);
        int found = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            found += memmem(copy.data(), copy.size(), &states.inner[i], 8) != nullptr;
            found += memmem(copy.data(), copy.size(), &states.outer[i], 8) != nullptr;
        }
        INFO(engine_name(engine));
        CHECK(found == 0);
    }
}
