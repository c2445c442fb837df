// The portable SHA-512 and the lazily loaded libcrypto against OpenSSL linked the usual way.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/crypto/libcrypto.hpp"
#include "core/crypto/sha512.hpp"
#include "support/catch.hpp"
#include "support/random_bytes.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>
#include <random>
#include <vector>

using namespace mqpasswd;
using mqpasswd::test::random_bytes_of;

namespace {

sha512::Digest openssl_sha512(const std::vector<unsigned char>& data) {
    sha512::Digest out{};
    SHA512(data.data(), data.size(), out.data());
    return out;
}

}  // namespace

TEST_CASE("SHA-512 of the FIPS 180-4 examples", "[sha512]") {
    const std::string abc = "abc";
    sha512::Digest out{};
    sha512::digest({reinterpret_cast<const unsigned char*>(abc.data()), abc.size()}, out);
    const sha512::Digest expected{0xdd, 0xaf, 0x35, 0xa1, 0x93, 0x61, 0x7a, 0xba, 0xcc, 0x41, 0x73, 0x49, 0xae,
                                  0x20, 0x41, 0x31, 0x12, 0xe6, 0xfa, 0x4e, 0x89, 0xa9, 0x7e, 0xa2, 0x0a, 0x9e,
                                  0xee, 0xe6, 0x4b, 0x55, 0xd3, 0x9a, 0x21, 0x92, 0x99, 0x2a, 0x27, 0x4f, 0xc1,
                                  0xa8, 0x36, 0xba, 0x3c, 0x23, 0xa3, 0xfe, 0xeb, 0xbd, 0x45, 0x4d, 0x44, 0x23,
                                  0x64, 0x3c, 0xe8, 0x0e, 0x2a, 0x9a, 0xc9, 0x4f, 0xa5, 0x4c, 0xa4, 0x9f};
    CHECK(out == expected);
}

// Every length from 0 to 600 bytes (so every padding case: 111, 112, 127, 128 in a block, ...)
// and random ones to 5,000, fed in random pieces.
TEST_CASE("SHA-512 equals OpenSSL's on every length and any split", "[sha512]") {
    std::mt19937 random(20261202);
    for (std::size_t length = 0; length < 5000; length += length < 600 ? 1 : 1 + random() % 400) {
        const auto data = random_bytes_of(random, length);
        sha512::Hasher hasher;
        for (std::size_t at = 0; at < data.size();) {
            const std::size_t piece = std::min<std::size_t>(data.size() - at, random() % 300);
            hasher.update({data.data() + at, piece});
            at += piece;
        }
        sha512::Digest ours{};
        hasher.finish(ours);
        INFO("length " << length);
        REQUIRE(ours == openssl_sha512(data));
    }
}

TEST_CASE("SHA-512 goes on from a chaining value after whole blocks", "[sha512]") {
    std::mt19937 random(20261203);
    const auto first = random_bytes_of(random, 256);
    const auto rest = random_bytes_of(random, 77);
    sha512::Words state = sha512::initial_words();
    sha512::compress(state, first.data());
    sha512::compress(state, first.data() + 128);
    sha512::Hasher resumed(state, 256);
    resumed.update(rest);
    sha512::Digest ours{};
    resumed.finish(ours);
    std::vector<unsigned char> whole(first);
    whole.insert(whole.end(), rest.begin(), rest.end());
    CHECK(ours == openssl_sha512(whole));
}

TEST_CASE("the compression function is OpenSSL's SHA512_Transform", "[sha512]") {
    std::mt19937 random(20261204);
    for (int round = 0; round < 200; ++round) {
        const auto block = random_bytes_of(random, 128);
        SHA512_CTX context{};
        sha512::Words ours{};
        for (std::size_t i = 0; i < 8; ++i) {
            ours[i] = (static_cast<std::uint64_t>(random()) << 32) | random();
            context.h[i] = ours[i];
        }
        sha512::compress(ours, block.data());
        SHA512_Transform(&context, block.data());
        for (std::size_t i = 0; i < 8; ++i) {
            REQUIRE(ours[i] == context.h[i]);
        }
    }
}

TEST_CASE("libcrypto loaded on demand is the one the tests link", "[sha512]") {
    const libcrypto::Functions* crypto = libcrypto::functions();
    REQUIRE(crypto != nullptr);
    CHECK(libcrypto::load_error().empty());
    CHECK(reinterpret_cast<void*>(crypto->sha512_transform) == reinterpret_cast<void*>(&SHA512_Transform));
    CHECK(std::strcmp(crypto->version(OPENSSL_VERSION), OpenSSL_version(OPENSSL_VERSION)) == 0);
}
