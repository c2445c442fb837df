// The multi-lane PBKDF2 kernels behind pbkdf2_hmac_sha512_batch: internal to core/crypto.
//
// A kernel runs iterations 2..n of one PBKDF2-HMAC-SHA512 output block for `lanes` passwords at
// once, all with the same iteration count. Its input and output are lane-sliced words: word i of
// lane l at [i * lanes + l], each word a SHA-512 state word (host order).
#pragma once

#include <cstdint>

namespace mqpasswd::pbkdf2_kernels {

struct LaneWords {
    const std::uint64_t* inner;  // the states after absorbing key ^ ipad
    const std::uint64_t* outer;  // the states after absorbing key ^ opad
    const std::uint64_t* u1;     // U1 = HMAC(P, S || INT(1))
};

// Each writes T = U1 ^ ... ^ Un into `sums` (8 * lanes words). The portable one, on one lane, is
// built everywhere; the others only on x86-64, each in its own file with its own -m flags: call
// one only when the CPU supports it.
void iterate_portable(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums);
inline constexpr int avx512_lanes = 8;
void iterate_avx512(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums);
inline constexpr int avx2_lanes = 4;
void iterate_avx2(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums);

}  // namespace mqpasswd::pbkdf2_kernels
