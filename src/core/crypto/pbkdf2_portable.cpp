// The one-lane PBKDF2 iteration loop in portable C++, built with no -m flags: what every CPU runs
// for a short derivation (pbkdf2.cpp), from the same SHA-512 rounds as the SIMD kernels.
#include "core/crypto/pbkdf2_lanes.hpp"

namespace mqpasswd::pbkdf2_kernels {

void iterate_portable(const LaneWords& words, std::uint32_t iterations, std::uint64_t* sums) {
    Sha512Lanes<ScalarOps>::iterate(words, iterations, sums);
}

}  // namespace mqpasswd::pbkdf2_kernels
