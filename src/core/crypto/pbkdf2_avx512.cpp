// The 8-lane PBKDF2 kernel for AVX-512F: built with -mavx512f, called only when the CPU has it.
// vprorq rotates in one instruction and vpternlogq computes Ch, Maj and three-way XORs in one.
#include "core/crypto/pbkdf2_lanes.hpp"

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_epi32() (a self-initialised variable) as the
// unused merge operand, and -Wmaybe-uninitialized reports it where they are inlined: a false
// positive in the header, silenced for the header's lines only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

namespace mqpasswd::pbkdf2_kernels {
namespace {

struct Avx512 {
    using V = __m512i;
    static constexpr int lanes = avx512_lanes;
    [[gnu::always_inline]] static V load(const std::uint64_t* p) { return _mm512_loadu_si512(p); }
    [[gnu::always_inline]] static void store(std::uint64_t* p, V x) { _mm512_storeu_si512(p, x); }
    [[gnu::always_inline]] static V set1(std::uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
    [[gnu::always_inline]] static V add(V a, V b) { return _mm512_add_epi64(a, b); }
    [[gnu::always_inline]] static V xor2(V a, V b) { return _mm512_xor_si512(a, b); }
    [[gnu::always_inline]] static V xor3(V a, V b, V c) { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }
    [[gnu::always_inline]] static V ch(V e, V f, V g) { return _mm512_ternarylogic_epi64(e, f, g, 0xca); }
    [[gnu::always_inline]] static V maj(V a, V b, V c) { return _mm512_ternarylogic_epi64(a, b, c, 0xe8); }
    template <int N> [[gnu::always_inline]] static V ror(V x) { return _mm512_ror_epi64(x, N); }
    template <int N> [[gnu::always_inline]] static V shr(V x) { return _mm512_srli_epi64(x, N); }
};

}  // namespace

void iterate_avx512(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums) {
    Sha512Lanes<Avx512>::iterate(words, iterations, sums);
}

}  // namespace mqpasswd::pbkdf2_kernels
