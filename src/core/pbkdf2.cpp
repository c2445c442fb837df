// PBKDF2-HMAC-SHA512 (RFC 8018) with the HMAC inner and outer SHA-512 states computed once per
// password and copied for every iteration. OpenSSL 3.0's PKCS5_PBKDF2_HMAC fetches a KDF and a
// digest from the provider store on every call (allocations and a lock shared by all threads),
// which costs both speed and multi-core scaling in bulk imports. The low-level SHA-512 API is
// deprecated in 3.0 but exported; it stays inside this one file. Equality with
// PKCS5_PBKDF2_HMAC is checked by tests/core/test_pbkdf2.cpp on vectors and random inputs.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/pbkdf2.hpp"

#include "core/error.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace mqpasswd {
namespace {

constexpr std::size_t block_size = 128;  // SHA-512's input block
constexpr std::size_t digest_size = 64;

using Digest = std::array<unsigned char, digest_size>;

// The two SHA-512 states after absorbing key^ipad and key^opad.
struct HmacStates {
    SHA512_CTX inner;
    SHA512_CTX outer;
};

HmacStates precompute(std::span<const unsigned char> password) {
    std::array<unsigned char, block_size> key{};
    if (password.size() > block_size) {
        SHA512(password.data(), password.size(), key.data());  // RFC 2104: long keys are hashed first
    } else if (!password.empty()) {
        std::memcpy(key.data(), password.data(), password.size());
    }
    std::array<unsigned char, block_size> pad{};
    HmacStates states{};
    for (std::size_t i = 0; i < block_size; ++i) {
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x36);
    }
    SHA512_Init(&states.inner);
    SHA512_Update(&states.inner, pad.data(), pad.size());
    for (std::size_t i = 0; i < block_size; ++i) {
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x5c);
    }
    SHA512_Init(&states.outer);
    SHA512_Update(&states.outer, pad.data(), pad.size());
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(pad.data(), pad.size());
    return states;
}

// HMAC(key, message) from the precomputed states; `out` may alias nothing in `message` but itself.
void hmac(const HmacStates& states, std::span<const unsigned char> first, std::span<const unsigned char> second,
          Digest& out) {
    SHA512_CTX context = states.inner;
    SHA512_Update(&context, first.data(), first.size());
    if (!second.empty()) {
        SHA512_Update(&context, second.data(), second.size());
    }
    SHA512_Final(out.data(), &context);
    context = states.outer;
    SHA512_Update(&context, out.data(), out.size());
    SHA512_Final(out.data(), &context);
    OPENSSL_cleanse(&context, sizeof context);
}

}  // namespace

void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out) {
    if (iterations == 0) {
        throw Error(ExitCode::failure, "PBKDF2 needs at least one iteration");
    }
    HmacStates states = precompute(password);
    Digest u{};
    Digest t{};
    for (std::uint32_t block = 1; !out.empty(); ++block) {
        const std::array<unsigned char, 4> index{
            static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
            static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
        hmac(states, salt, index, u);  // U1 = HMAC(P, S || INT(i))
        t = u;
        for (std::uint32_t j = 1; j < iterations; ++j) {
            hmac(states, u, {}, u);  // Uj = HMAC(P, Uj-1)
            for (std::size_t k = 0; k < digest_size; ++k) {
                t[k] ^= u[k];
            }
        }
        const std::size_t take = std::min(out.size(), digest_size);
        std::memcpy(out.data(), t.data(), take);
        out = out.subspan(take);
    }
    OPENSSL_cleanse(&states, sizeof states);
    OPENSSL_cleanse(u.data(), u.size());
    OPENSSL_cleanse(t.data(), t.size());
}

}  // namespace mqpasswd
