// PBKDF2-HMAC-SHA512's iteration loop on several passwords at once, one per SIMD lane: the
// SHA-512 compression function written once over a vector type `Ops::V` of 64-bit lanes, kept
// lane-sliced from the first iteration to the last (word i of every lane's state is one vector),
// so nothing is transposed inside the loop.
//
// Included only by the kernel files (pbkdf2_avx512.cpp, pbkdf2_avx2.cpp, each built with its own
// -m flags) and by the portable code on one lane (sha512.cpp, pbkdf2_portable.cpp), so SHA-512's
// rounds are written once. Everything here has internal linkage: each file gets its own copy,
// compiled for its instruction set, and the linker can never pick one file's copy for another.
#pragma once

#include "core/crypto/pbkdf2_kernels.hpp"

#include <bit>
#include <cstdint>
#include <utility>

namespace mqpasswd::pbkdf2_kernels {
namespace {

// A plain array, as everything here: a std:: template instantiated in this file (say
// std::array::data() in a -O0 build) would be a weak symbol compiled for this file's instruction
// set, and the linker may keep that copy for the whole program.
constexpr std::uint64_t round_constants[80]{
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
    0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
    0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
    0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
    0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
    0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

// The last 8 words of a block holding a 64-byte message after one absorbed 128-byte key block:
// 0x80, zeros, and the total length, 1536 bits.
constexpr std::uint64_t padding_first = 0x8000000000000000;
constexpr std::uint64_t padding_bits = (128 + 64) * 8;

// One lane in a plain 64-bit word: the portable code (sha512.cpp, pbkdf2_portable.cpp) that every
// CPU runs.
struct ScalarOps {
    using V = std::uint64_t;
    static constexpr int lanes = 1;
    [[gnu::always_inline]] static V load(const std::uint64_t* p) { return *p; }
    [[gnu::always_inline]] static void store(std::uint64_t* p, V x) { *p = x; }
    [[gnu::always_inline]] static V set1(std::uint64_t x) { return x; }
    [[gnu::always_inline]] static V add(V a, V b) { return a + b; }
    [[gnu::always_inline]] static V xor2(V a, V b) { return a ^ b; }
    [[gnu::always_inline]] static V xor3(V a, V b, V c) { return a ^ b ^ c; }
    [[gnu::always_inline]] static V ch(V e, V f, V g) { return g ^ (e & (f ^ g)); }
    [[gnu::always_inline]] static V maj(V a, V b, V c) { return (a & b) | (c & (a | b)); }
    template <int N> [[gnu::always_inline]] static V ror(V x) { return std::rotr(x, N); }
    template <int N> [[gnu::always_inline]] static V shr(V x) { return x >> N; }
};

template <class Ops> struct Sha512Lanes {
    using V = typename Ops::V;
    // Plain arrays in structs: std::array<V, N> would drop V's alignment attribute.
    // always_inline: with V a plain word, g++ 12 for armhf folded the two operator[] into one
    // (identical code) before inlining, then took a State for a Schedule (-Warray-bounds).
    struct State {
        V v[8];
        [[gnu::always_inline]] V& operator[](int i) { return v[i]; }
        [[gnu::always_inline]] const V& operator[](int i) const { return v[i]; }
    };
    struct Schedule {
        V v[16];
        [[gnu::always_inline]] V& operator[](int i) { return v[i]; }
    };

    [[gnu::always_inline]] static V big_sigma0(V x) {
        return Ops::xor3(Ops::template ror<28>(x), Ops::template ror<34>(x), Ops::template ror<39>(x));
    }
    [[gnu::always_inline]] static V big_sigma1(V x) {
        return Ops::xor3(Ops::template ror<14>(x), Ops::template ror<18>(x), Ops::template ror<41>(x));
    }
    [[gnu::always_inline]] static V small_sigma0(V x) {
        return Ops::xor3(Ops::template ror<1>(x), Ops::template ror<8>(x), Ops::template shr<7>(x));
    }
    [[gnu::always_inline]] static V small_sigma1(V x) {
        return Ops::xor3(Ops::template ror<19>(x), Ops::template ror<61>(x), Ops::template shr<6>(x));
    }

    // Round R of a group of 16; the eight working variables rotate through `s` by index, so no
    // value moves (a is s[-R mod 8], b is s[1 - R mod 8], ...; 16 + i - R keeps the index positive).
    template <int R, bool Expand>
    [[gnu::always_inline]] static void round(State& s, Schedule& w, const std::uint64_t* k) {
        if constexpr (Expand) {
            w[R] = Ops::add(Ops::add(small_sigma1(w[(R + 14) % 16]), w[(R + 9) % 16]),
                            Ops::add(small_sigma0(w[(R + 1) % 16]), w[R]));
        }
        V& a = s[(16 - R) % 8];
        V& d = s[(19 - R) % 8];
        V& e = s[(20 - R) % 8];
        V& h = s[(23 - R) % 8];
        const V t1 = Ops::add(Ops::add(h, big_sigma1(e)),
                              Ops::add(Ops::ch(e, s[(21 - R) % 8], s[(22 - R) % 8]), Ops::add(w[R], Ops::set1(k[R]))));
        d = Ops::add(d, t1);
        h = Ops::add(t1, Ops::add(big_sigma0(a), Ops::maj(a, s[(17 - R) % 8], s[(18 - R) % 8])));
    }

    template <bool Expand, int... R>
    [[gnu::always_inline]] static void sixteen(State& s, Schedule& w, const std::uint64_t* k,
                                               std::integer_sequence<int, R...> /*rounds*/) {
        (round<R, Expand>(s, w, k), ...);
    }

    // One compression of the block `w` (its 16 words, host order; used as the message schedule)
    // into the chaining value `state`.
    [[gnu::always_inline]] static void compress_block(State& state, Schedule& w) noexcept {
        State s = state;
        sixteen<false>(s, w, round_constants, std::make_integer_sequence<int, 16>{});
        for (int group = 1; group < 5; ++group) {
            sixteen<true>(s, w, round_constants + group * 16, std::make_integer_sequence<int, 16>{});
        }
        for (int i = 0; i < 8; ++i) {
            state[i] = Ops::add(s[i], state[i]);
        }
    }

    // One compression of a block whose first 8 words are `message` and whose last 8 are the
    // padding above, from `initial`; returns the new chaining value.
    [[gnu::always_inline]] static State compress(const State& initial, const State& message) noexcept {
        const V zero = Ops::set1(0);
        Schedule w{{message[0], message[1], message[2], message[3], message[4], message[5], message[6], message[7],
                    Ops::set1(padding_first), zero, zero, zero, zero, zero, zero, Ops::set1(padding_bits)}};
        State next = initial;
        compress_block(next, w);
        return next;
    }

    static State load(const std::uint64_t* words) noexcept {
        State state;
        for (int i = 0; i < 8; ++i) {
            state[i] = Ops::load(words + i * Ops::lanes);
        }
        return state;
    }

    // Iterations 2..n for every lane: U(j) = HMAC(P, U(j-1)) as two compressions, T ^= U(j).
    // noexcept, as all here: nothing throws, so no unwinding table (and no personality routine,
    // which a sanitizer build's scope cleanups would otherwise bring in; the kernel lint checks).
    static void iterate(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums) noexcept {
        const State inner = load(words.inner);
        const State outer = load(words.outer);
        State u = load(words.u1);
        State sum = u;
        for (std::uint32_t j = 1; j < iterations; ++j) {
            u = compress(outer, compress(inner, u));
            for (int i = 0; i < 8; ++i) {
                sum[i] = Ops::xor2(sum[i], u[i]);
            }
        }
        for (int i = 0; i < 8; ++i) {
            Ops::store(sums + i * Ops::lanes, sum[i]);
        }
    }
};

}  // namespace
}  // namespace mqpasswd::pbkdf2_kernels
