// The HMAC-SHA512 pieces that the one-stream PBKDF2 (pbkdf2.cpp) and the multi-lane batch
// (pbkdf2_batch.cpp) share: internal to core/crypto.
#pragma once

#include "core/crypto/sha512.hpp"

#include <array>
#include <span>

namespace mqpasswd::pbkdf2_detail {

using Digest = sha512::Digest;

// The two SHA-512 chaining values after absorbing key^ipad and key^opad, one block each (the key:
// the password, or its SHA-512 when longer than a block). They are password equivalents: wipe
// them after use.
struct HmacStates {
    sha512::Words inner;
    sha512::Words outer;
};

[[nodiscard]] HmacStates precompute(std::span<const unsigned char> password);

// HMAC(key, first || second): used once per output block (U1), where the salt may have any length.
void hmac(const HmacStates& states, std::span<const unsigned char> first, std::span<const unsigned char> second,
          Digest& out);

}  // namespace mqpasswd::pbkdf2_detail
