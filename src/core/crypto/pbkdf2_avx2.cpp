// The 4-lane PBKDF2 kernel for AVX2: built with -mavx2, called only when the CPU has it. AVX2 has
// no 64-bit rotate, so a rotation is two shifts and an OR.
#include "core/crypto/pbkdf2_lanes.hpp"

#include <immintrin.h>

namespace mqpasswd::pbkdf2_kernels {
namespace {

struct Avx2 {
    using V = __m256i;
    static constexpr int lanes = avx2_lanes;
    [[gnu::always_inline]] static V load(const std::uint64_t* p) {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    }
    [[gnu::always_inline]] static void store(std::uint64_t* p, V x) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), x);
    }
    [[gnu::always_inline]] static V set1(std::uint64_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
    [[gnu::always_inline]] static V add(V a, V b) { return _mm256_add_epi64(a, b); }
    [[gnu::always_inline]] static V xor2(V a, V b) { return _mm256_xor_si256(a, b); }
    [[gnu::always_inline]] static V xor3(V a, V b, V c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
    [[gnu::always_inline]] static V ch(V e, V f, V g) {  // g ^ (e & (f ^ g))
        return _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g)));
    }
    [[gnu::always_inline]] static V maj(V a, V b, V c) {  // (a & b) | (c & (a | b))
        return _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
    }
    template <int N> [[gnu::always_inline]] static V ror(V x) {
        return _mm256_or_si256(_mm256_srli_epi64(x, N), _mm256_slli_epi64(x, 64 - N));
    }
    template <int N> [[gnu::always_inline]] static V shr(V x) { return _mm256_srli_epi64(x, N); }
};

}  // namespace

void iterate_avx2(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums) {
    Sha512Lanes<Avx2>::iterate(words, iterations, sums);
}

}  // namespace mqpasswd::pbkdf2_kernels
