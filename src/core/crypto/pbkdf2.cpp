// PBKDF2-HMAC-SHA512 (RFC 8018) at the speed of the SHA-512 compression function.
//
// Every iteration after the first is HMAC(P, U) with a 64-byte U, which is exactly two
// compression-function calls: the inner state (key^ipad absorbed) on one block holding U and its
// padding, then the outer state (key^opad absorbed) on one block holding the inner digest and its
// padding. Both blocks are laid out once with their padding and bit length; each iteration only
// copies the 8-word chaining state, writes the previous digest into the block big-endian, and
// calls SHA512_Transform. OpenSSL 3.0's PKCS5_PBKDF2_HMAC goes through the EVP layer for every
// HMAC (context copies, buffering, a provider fetch per call) and reaches about 0.6 of the limit.
//
// The low-level SHA-512 API is deprecated in 3.0 but exported; it stays inside this one file.
// Equality with PKCS5_PBKDF2_HMAC is checked by tests/core/test_pbkdf2.cpp on vectors and random
// inputs.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/crypto/pbkdf2.hpp"

#include "core/crypto/pbkdf2_hmac.hpp"
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
constexpr std::size_t state_words = 8;

using Words = std::array<std::uint64_t, state_words>;
using pbkdf2_detail::Digest;
using pbkdf2_detail::HmacStates;

void store_big_endian(const SHA512_CTX& context, unsigned char* out) {
    for (std::size_t i = 0; i < state_words; ++i) {
        const std::uint64_t word = __builtin_bswap64(context.h[i]);
        std::memcpy(out + i * 8, &word, 8);
    }
}

// A block holding a 64-byte message after one absorbed key block: the message, 0x80, zeros, and
// the total length (128 + 64 bytes = 1536 bits) in the last bytes, as SHA-512's padding has it.
std::array<unsigned char, block_size> padded_digest_block() {
    std::array<unsigned char, block_size> block{};
    block[digest_size] = 0x80;
    constexpr std::uint32_t bits = (block_size + digest_size) * 8;
    block[block_size - 2] = static_cast<unsigned char>(bits >> 8);
    block[block_size - 1] = static_cast<unsigned char>(bits & 0xff);
    return block;
}

// Iterations 2..n of one output block, from U1: T = U1 ^ U2 ^ ... ^ Un, into `t`.
void iterate(const HmacStates& states, const Digest& u1, std::uint32_t iterations, Digest& t) {
    std::array<unsigned char, block_size> inner_block = padded_digest_block();
    std::array<unsigned char, block_size> outer_block = padded_digest_block();
    std::memcpy(inner_block.data(), u1.data(), digest_size);
    SHA512_CTX context{};
    Words sum{};
    for (std::size_t i = 0; i < state_words; ++i) {
        std::uint64_t word = 0;
        std::memcpy(&word, u1.data() + i * 8, 8);
        sum[i] = __builtin_bswap64(word);
    }
    for (std::uint32_t j = 1; j < iterations; ++j) {
        std::memcpy(context.h, states.inner.h, sizeof context.h);
        SHA512_Transform(&context, inner_block.data());
        store_big_endian(context, outer_block.data());
        std::memcpy(context.h, states.outer.h, sizeof context.h);
        SHA512_Transform(&context, outer_block.data());
        store_big_endian(context, inner_block.data());  // Uj, the next iteration's message
        for (std::size_t i = 0; i < state_words; ++i) {
            sum[i] ^= context.h[i];
        }
    }
    for (std::size_t i = 0; i < state_words; ++i) {
        const std::uint64_t word = __builtin_bswap64(sum[i]);
        std::memcpy(t.data() + i * 8, &word, 8);
    }
    OPENSSL_cleanse(&context, sizeof context);
    OPENSSL_cleanse(inner_block.data(), inner_block.size());
    OPENSSL_cleanse(outer_block.data(), outer_block.size());
    OPENSSL_cleanse(sum.data(), sizeof sum);
}

}  // namespace

namespace pbkdf2_detail {

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

void hmac(const HmacStates& states, std::span<const unsigned char> first, std::span<const unsigned char> second,
          Digest& out) {
    SHA512_CTX context = states.inner;
    SHA512_Update(&context, first.data(), first.size());
    SHA512_Update(&context, second.data(), second.size());
    SHA512_Final(out.data(), &context);
    context = states.outer;
    SHA512_Update(&context, out.data(), out.size());
    SHA512_Final(out.data(), &context);
    OPENSSL_cleanse(&context, sizeof context);
}

}  // namespace pbkdf2_detail

void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out) {
    if (iterations == 0) {
        throw Error(ExitCode::failure, "PBKDF2 needs at least one iteration");
    }
    HmacStates states = pbkdf2_detail::precompute(password);
    Digest u{};
    Digest t{};
    for (std::uint32_t block = 1; !out.empty(); ++block) {
        const std::array<unsigned char, 4> index{
            static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
            static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
        pbkdf2_detail::hmac(states, salt, index, u);  // U1 = HMAC(P, S || INT(i))
        iterate(states, u, iterations, t);
        const std::size_t take = std::min(out.size(), digest_size);
        std::memcpy(out.data(), t.data(), take);
        out = out.subspan(take);
    }
    OPENSSL_cleanse(&states, sizeof states);
    OPENSSL_cleanse(u.data(), u.size());
    OPENSSL_cleanse(t.data(), t.size());
}

}  // namespace mqpasswd
