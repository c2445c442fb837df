// The HMAC-SHA512 pieces that the one-stream PBKDF2 (pbkdf2.cpp) and the multi-lane batch
// (pbkdf2_batch.cpp) share: internal to core/crypto.
#pragma once

#include <openssl/sha.h>

#include <array>
#include <span>

namespace mqpasswd::pbkdf2_detail {

using Digest = std::array<unsigned char, 64>;

// The two SHA-512 states after absorbing key^ipad and key^opad (the key: the password, or its
// SHA-512 when longer than a block). They are password equivalents: wipe them after use.
struct HmacStates {
    SHA512_CTX inner;
    SHA512_CTX outer;
};

[[nodiscard]] HmacStates precompute(std::span<const unsigned char> password);

// HMAC(key, first || second) through the buffered API: used once per output block (U1), where
// the salt may have any length.
void hmac(const HmacStates& states, std::span<const unsigned char> first, std::span<const unsigned char> second,
          Digest& out);

}  // namespace mqpasswd::pbkdf2_detail
