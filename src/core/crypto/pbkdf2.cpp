// PBKDF2-HMAC-SHA512 (RFC 8018) at the speed of the SHA-512 compression function.
//
// Every iteration after the first is HMAC(P, U) with a 64-byte U, which is exactly two
// compression-function calls: the inner state (key^ipad absorbed) on one block holding U and its
// padding, then the outer state (key^opad absorbed) on one block holding the inner digest and its
// padding. OpenSSL 3.0's PKCS5_PBKDF2_HMAC goes through the EVP layer for every HMAC (context
// copies, buffering, a provider fetch per call) and reaches about 0.6 of that limit.
//
// Two compression functions run the loop. OpenSSL's assembly (SHA512_Transform: deprecated in 3.0
// but exported) is the faster, ~1.35x here, but libcrypto is loaded only when first needed
// (libcrypto.hpp), which costs ~0.5 ms; the portable one (pbkdf2_portable.cpp) needs nothing. So a
// derivation uses OpenSSL's from `openssl_from_iterations` iterations of work on, where its speed
// pays for the loading, and the portable one below that (a one-user `set` at 1,000 iterations:
// 0.45 ms instead of 0.3 + 0.5). Both are checked against PKCS5_PBKDF2_HMAC by
// tests/core/crypto/test_pbkdf2.cpp on vectors and random inputs.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/crypto/pbkdf2.hpp"

#include "core/crypto/libcrypto.hpp"
#include "core/crypto/pbkdf2_hmac.hpp"
#include "core/crypto/pbkdf2_kernels.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"

#include <openssl/sha.h>  // SHA512_CTX's layout, for SHA512_Transform; nothing here links to libcrypto

#include <algorithm>
#include <array>
#include <cstring>

namespace mqpasswd {
namespace {

constexpr std::size_t block_size = sha512::block_size;
constexpr std::size_t digest_size = sha512::digest_size;
constexpr std::size_t state_words = 8;

using pbkdf2_detail::Digest;
using pbkdf2_detail::HmacStates;

using sha512::load_big_endian;

// The 8 words of a chaining value, big-endian into `out`. Word: std::uint64_t, or SHA_LONG64
// (unsigned long long) for OpenSSL's context.
template <class Word> void store_state(const Word* words, unsigned char* out) {
    static_assert(sizeof(Word) == 8);
    for (std::size_t i = 0; i < state_words; ++i) {
        sha512::store_big_endian(static_cast<std::uint64_t>(words[i]), out + i * 8);
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

// Iterations 2..n of one output block, from U1, on OpenSSL's compression function: T = U1 ^ U2 ^
// ... ^ Un, into `t`. Both blocks are laid out once with their padding; each iteration only copies
// the chaining state, writes the previous digest into the block big-endian, and compresses.
void iterate_openssl(const libcrypto::Functions& crypto, const HmacStates& states, const Digest& u1,
                     std::uint32_t iterations, Digest& t) {
    std::array<unsigned char, block_size> inner_block = padded_digest_block();
    std::array<unsigned char, block_size> outer_block = padded_digest_block();
    std::memcpy(inner_block.data(), u1.data(), digest_size);
    SHA512_CTX context{};
    std::array<std::uint64_t, state_words> sum{};
    for (std::size_t i = 0; i < state_words; ++i) {
        sum[i] = load_big_endian(u1.data() + i * 8);
    }
    for (std::uint32_t j = 1; j < iterations; ++j) {
        std::memcpy(context.h, states.inner.data(), sizeof context.h);
        crypto.sha512_transform(&context, inner_block.data());
        store_state(context.h, outer_block.data());
        std::memcpy(context.h, states.outer.data(), sizeof context.h);
        crypto.sha512_transform(&context, outer_block.data());
        store_state(context.h, inner_block.data());  // Uj, the next iteration's message
        for (std::size_t i = 0; i < state_words; ++i) {
            sum[i] ^= context.h[i];
        }
    }
    store_state(sum.data(), t.data());
    wipe_buffer(&context, sizeof context);
    wipe_buffer(inner_block.data(), inner_block.size());
    wipe_buffer(outer_block.data(), outer_block.size());
    wipe_buffer(sum.data(), sizeof sum);
}

// The same on the portable compression function (the SIMD kernels' code, on one lane).
void iterate_portable(const HmacStates& states, const Digest& u1, std::uint32_t iterations, Digest& t) {
    std::array<std::uint64_t, state_words> u{};
    std::array<std::uint64_t, state_words> sums{};
    for (std::size_t i = 0; i < state_words; ++i) {
        u[i] = load_big_endian(u1.data() + i * 8);
    }
    pbkdf2_kernels::iterate_portable({states.inner.data(), states.outer.data(), u.data()}, iterations, sums.data());
    store_state(sums.data(), t.data());
    wipe_buffer(u.data(), sizeof u);
    wipe_buffer(sums.data(), sizeof sums);
}

const libcrypto::Functions& loaded_libcrypto() {
    const libcrypto::Functions* crypto = libcrypto::functions();
    if (crypto == nullptr) {
        throw Error(ExitCode::failure, "cannot use OpenSSL's SHA-512: " + libcrypto::load_error());
    }
    return *crypto;
}

}  // namespace

namespace pbkdf2_detail {

HmacStates precompute(std::span<const unsigned char> password) {
    std::array<unsigned char, block_size> key{};
    if (password.size() > block_size) {  // RFC 2104: long keys are hashed first
        Digest hashed{};
        sha512::digest(password, hashed);
        std::memcpy(key.data(), hashed.data(), hashed.size());
        wipe_buffer(hashed.data(), hashed.size());
    } else if (!password.empty()) {
        std::memcpy(key.data(), password.data(), password.size());
    }
    std::array<unsigned char, block_size> pad{};
    HmacStates states{sha512::initial_words(), sha512::initial_words()};
    for (std::size_t i = 0; i < block_size; ++i) {
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x36);
    }
    sha512::compress(states.inner, pad.data());
    for (std::size_t i = 0; i < block_size; ++i) {
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x5c);
    }
    sha512::compress(states.outer, pad.data());
    wipe_buffer(key.data(), key.size());
    wipe_buffer(pad.data(), pad.size());
    return states;
}

void hmac(const HmacStates& states, std::span<const unsigned char> first, std::span<const unsigned char> second,
          Digest& out) {
    sha512::Hasher inner(states.inner, block_size);
    inner.update(first);
    inner.update(second);
    inner.finish(out);
    sha512::Hasher outer(states.outer, block_size);
    outer.update(out);
    outer.finish(out);
}

}  // namespace pbkdf2_detail

std::string_view engine_name(Pbkdf2Engine engine) noexcept {
    switch (engine) {
    case Pbkdf2Engine::automatic:
        return "automatic";
    case Pbkdf2Engine::portable:
        return "portable";
    case Pbkdf2Engine::openssl:
        return "openssl";
    }
    return "?";
}

Pbkdf2Engine engine_for(std::uint64_t iterations) noexcept {
    return iterations >= openssl_from_iterations && libcrypto::functions() != nullptr ? Pbkdf2Engine::openssl
                                                                                      : Pbkdf2Engine::portable;
}

void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out) {
    pbkdf2_hmac_sha512(password, salt, iterations, out, Pbkdf2Engine::automatic);
}

void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out, Pbkdf2Engine engine) {
    if (iterations == 0) {
        throw Error(ExitCode::failure, "PBKDF2 needs at least one iteration");
    }
    if (engine == Pbkdf2Engine::automatic) {  // by this call's work: iterations x output blocks
        engine = engine_for(std::uint64_t{iterations} * ((out.size() + digest_size - 1) / digest_size));
    }
    const libcrypto::Functions* crypto = engine == Pbkdf2Engine::openssl ? &loaded_libcrypto() : nullptr;
    HmacStates states = pbkdf2_detail::precompute(password);
    Digest u{};
    Digest t{};
    for (std::uint32_t block = 1; !out.empty(); ++block) {
        const std::array<unsigned char, 4> index{
            static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
            static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
        pbkdf2_detail::hmac(states, salt, index, u);  // U1 = HMAC(P, S || INT(i))
        if (crypto != nullptr) {
            iterate_openssl(*crypto, states, u, iterations, t);
        } else {
            iterate_portable(states, u, iterations, t);
        }
        const std::size_t take = std::min(out.size(), digest_size);
        std::memcpy(out.data(), t.data(), take);
        out = out.subspan(take);
    }
    wipe_buffer(&states, sizeof states);
    wipe_buffer(u.data(), u.size());
    wipe_buffer(t.data(), t.size());
    wipe_stack_below();  // the key states and chains that SHA-512's code (ours or OpenSSL's) spilled
}

}  // namespace mqpasswd
