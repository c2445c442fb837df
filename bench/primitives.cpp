// The hashing figures of bench/run, each with its baseline measured in the same process:
//   compression  SHA-512 compression-function calls per second on one core (OpenSSL over a
//                large buffer); PBKDF2-HMAC-SHA512 cannot do better than half that in iterations
//   pbkdf2       our PBKDF2 and OpenSSL's PKCS5_PBKDF2_HMAC, iterations per second on one core; ours
//                also on the portable compression function (what short runs use, pbkdf2.hpp)
//   batch        pbkdf2_hmac_sha512_batch with each kernel forced (0 where the CPU lacks it)
//   argon2id     our make_hash with Mosquitto 2.1's argon2id parameters, and libargon2's
//                argon2id_hash_raw called directly with the same parameters, hashes per second
// Prints "name value" lines for bench/run to tabulate. The measurements take turns, round after
// round, and each figure is its best round: a figure and its baseline then see the same clock
// speed (this machine's changes from second to second), and the least disturbed run counts.
#include "core/crypto/hash.hpp"
#include "core/crypto/pbkdf2.hpp"
#include "core/crypto/secret.hpp"

#include <argon2.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

double seconds_for(const std::function<void()>& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The sink keeps the optimiser from dropping work whose result is otherwise unused.
volatile unsigned char sink = 0;

double compression_calls_per_second() {
    constexpr std::size_t buffer_size = std::size_t{32} << 20;
    std::vector<unsigned char> buffer(buffer_size, 0xa5);
    std::array<unsigned char, 64> digest{};
    const double seconds = seconds_for([&] {
        unsigned int length = 0;
        EVP_Digest(buffer.data(), buffer.size(), digest.data(), &length, EVP_sha512(), nullptr);
        sink = sink ^ digest[0];
    });
    return static_cast<double>(buffer_size / 128) / seconds;
}

constexpr std::uint32_t pbkdf2_iterations = 200000;
const std::array<unsigned char, 12> salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
const std::string password = "benchmark-password";

double our_pbkdf2_iterations_per_second() {
    std::array<std::uint8_t, 64> out{};
    const double seconds = seconds_for([&] {
        mqpasswd::pbkdf2_hmac_sha512({reinterpret_cast<const unsigned char*>(password.data()), password.size()}, salt,
                                     pbkdf2_iterations, out);
        sink = sink ^ out[0];
    });
    return pbkdf2_iterations / seconds;
}

double portable_pbkdf2_iterations_per_second() {
    std::array<std::uint8_t, 64> out{};
    const double seconds = seconds_for([&] {
        mqpasswd::pbkdf2_hmac_sha512({reinterpret_cast<const unsigned char*>(password.data()), password.size()}, salt,
                                     pbkdf2_iterations, out, mqpasswd::Pbkdf2Engine::portable);
        sink = sink ^ out[0];
    });
    return pbkdf2_iterations / seconds;
}

double openssl_pbkdf2_iterations_per_second() {
    std::array<unsigned char, 64> out{};
    const double seconds = seconds_for([&] {
        PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), salt.size(),
                          pbkdf2_iterations, EVP_sha512(), out.size(), out.data());
        sink = sink ^ out[0];
    });
    return pbkdf2_iterations / seconds;
}

// Iterations per second over a batch of 16 passwords (two full sets of AVX-512 lanes, four of
// AVX2's), each kernel forced; the total of all chains' iterations over the time.
constexpr std::uint32_t batch_iterations = 20000;

double batch_iterations_per_second(mqpasswd::Pbkdf2Kernel kernel) {
    constexpr std::size_t count = 16;
    std::array<std::array<std::uint8_t, 64>, count> outputs{};
    std::vector<mqpasswd::Pbkdf2Job> jobs;
    for (auto& out : outputs) {
        jobs.push_back(
            {{reinterpret_cast<const unsigned char*>(password.data()), password.size()}, salt, batch_iterations, out});
    }
    const double seconds = seconds_for([&] {
        mqpasswd::pbkdf2_hmac_sha512_batch(jobs, kernel);
        sink = sink ^ outputs[0][0];
    });
    return count * batch_iterations / seconds;
}

bool supported(mqpasswd::Pbkdf2Kernel kernel) {
    const auto kernels = mqpasswd::supported_pbkdf2_kernels();
    return std::find(kernels.begin(), kernels.end(), kernel) != kernels.end();
}

double avx512_batch() {
    return supported(mqpasswd::Pbkdf2Kernel::avx512) ? batch_iterations_per_second(mqpasswd::Pbkdf2Kernel::avx512) : 0;
}

double avx2_batch() {
    return supported(mqpasswd::Pbkdf2Kernel::avx2) ? batch_iterations_per_second(mqpasswd::Pbkdf2Kernel::avx2) : 0;
}

double scalar_batch() {
    return batch_iterations_per_second(mqpasswd::Pbkdf2Kernel::scalar);
}

constexpr int argon2_hashes = 2;

double our_argon2id_per_second() {
    mqpasswd::HashSpec spec;
    spec.algorithm = mqpasswd::Algorithm::argon2id;
    spec.salt_length = 64;
    const auto secret = mqpasswd::Secret::copy_of(password);
    const double seconds = seconds_for([&] {
        for (int i = 0; i < argon2_hashes; ++i) {
            sink = sink ^ static_cast<unsigned char>(mqpasswd::make_hash(spec, secret).back());
        }
    });
    return argon2_hashes / seconds;
}

double libargon2_per_second() {
    const mqpasswd::Argon2Params params;
    std::array<unsigned char, 64> salt64{};
    std::array<unsigned char, 64> out{};
    const double seconds = seconds_for([&] {
        for (int i = 0; i < argon2_hashes; ++i) {
            argon2id_hash_raw(params.time_cost, params.memory_kib, params.parallelism, password.data(), password.size(),
                              salt64.data(), salt64.size(), out.data(), out.size());
            sink = sink ^ out[0];
        }
    });
    return argon2_hashes / seconds;
}

struct Figure {
    const char* name;
    double (*rate)();
    double best = 0;
};

}  // namespace

int main() {
    constexpr int rounds = 12;
    std::array<Figure, 9> figures{{
        {"compression_calls_per_second", compression_calls_per_second},
        {"pbkdf2_ours_iterations_per_second", our_pbkdf2_iterations_per_second},
        {"pbkdf2_openssl_iterations_per_second", openssl_pbkdf2_iterations_per_second},
        {"pbkdf2_portable_iterations_per_second", portable_pbkdf2_iterations_per_second},
        {"argon2id_ours_per_second", our_argon2id_per_second},
        {"argon2id_libargon2_per_second", libargon2_per_second},
        {"pbkdf2_batch_avx512_iterations_per_second", avx512_batch},
        {"pbkdf2_batch_avx2_iterations_per_second", avx2_batch},
        {"pbkdf2_batch_scalar_iterations_per_second", scalar_batch},
    }};
    for (int round = 0; round < rounds; ++round) {
        for (auto& figure : figures) {
            figure.best = std::max(figure.best, figure.rate());
        }
    }
    for (const auto& figure : figures) {
        std::printf("%s %.3f\n", figure.name, figure.best);
    }
    return 0;
}
