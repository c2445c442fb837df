// PBKDF2-HMAC-SHA512, the primitive behind Mosquitto's $7$ hashes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace mqpasswd {

// The compression function a one-stream derivation runs its iterations on (pbkdf2.cpp): the
// portable one, or OpenSSL's assembly, faster but in a libcrypto loaded on first use (~0.5 ms).
enum class Pbkdf2Engine { automatic, portable, openssl };

[[nodiscard]] std::string_view engine_name(Pbkdf2Engine engine) noexcept;

// From this many iterations of work on (one call's: iterations x output blocks; a batch's: the
// sum), OpenSSL's pays for loading it. Measured here: its compression ~55 ns faster per call,
// two calls per iteration; 4,096 iterations save ~0.45 ms.
inline constexpr std::uint64_t openssl_from_iterations = 4096;

// `openssl` from openssl_from_iterations on when libcrypto loads; `portable` otherwise. The
// output is the same either way.
[[nodiscard]] Pbkdf2Engine engine_for(std::uint64_t iterations) noexcept;

// Fills `out` (any length) from the password and salt, on engine_for(this call's work) or on
// `engine`. Throws Error for zero iterations, or when `openssl` is asked for and cannot be loaded.
void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out);
void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out, Pbkdf2Engine engine);

// How a batch is computed: one password at a time (every CPU), or several at once in SIMD lanes
// (x86-64 with AVX2: 4; with AVX-512F: 8). Each chain stays serial; the lanes run independent ones.
enum class Pbkdf2Kernel { scalar, avx2, avx512 };

[[nodiscard]] std::string_view kernel_name(Pbkdf2Kernel kernel) noexcept;

// The kernels this build and this CPU can run, the fastest first; `scalar` is always there, last.
[[nodiscard]] std::vector<Pbkdf2Kernel> supported_pbkdf2_kernels();

struct Pbkdf2Job {
    std::span<const unsigned char> password;
    std::span<const std::uint8_t> salt;
    std::uint32_t iterations = 0;
    std::span<std::uint8_t, 64> out;  // one output block: what $7$ stores
};

// The kernel batches run on: the fastest supported, or the one MQPASSWD_PBKDF2_KERNEL names
// ("avx512", "avx2", "scalar"; for benchmarks and for comparing outputs). Throws Error when that
// names a kernel this CPU does not run.
[[nodiscard]] Pbkdf2Kernel default_pbkdf2_kernel();

// Fills every job's `out` with what pbkdf2_hmac_sha512 would, on default_pbkdf2_kernel() (chosen
// once per process) or on `kernel`. Jobs may differ in everything; those with equal iteration counts share lanes.
// Throws Error for zero iterations (before computing anything) or a kernel not supported here.
void pbkdf2_hmac_sha512_batch(std::span<const Pbkdf2Job> jobs);
void pbkdf2_hmac_sha512_batch(std::span<const Pbkdf2Job> jobs, Pbkdf2Kernel kernel);

}  // namespace mqpasswd
