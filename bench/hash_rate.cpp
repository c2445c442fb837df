// Baseline for the benchmarks: seconds per hash on one core for a given spec, using the same
// core library the tool uses. Usage: mqpasswd_bench_hash ALGORITHM ITERATIONS SALT_BYTES COUNT
#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s ALGORITHM ITERATIONS SALT_BYTES COUNT\n", argv[0]);
        return 2;
    }
    const auto algorithm = mqpasswd::algorithm_from_name(argv[1]);
    if (!algorithm) {
        std::fprintf(stderr, "unknown algorithm %s\n", argv[1]);
        return 2;
    }
    mqpasswd::HashSpec spec;
    spec.algorithm = *algorithm;
    spec.iterations = static_cast<std::uint32_t>(std::strtoul(argv[2], nullptr, 10));
    spec.salt_length = std::strtoul(argv[3], nullptr, 10);
    const long count = std::strtol(argv[4], nullptr, 10);
    const mqpasswd::Secret password = mqpasswd::Secret::copy_of("benchmark-password");
    std::size_t sink = 0;  // keeps the optimiser from dropping the work
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < count; ++i) {
        sink += mqpasswd::make_hash(spec, password).size();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.9f\n", seconds / static_cast<double>(count));
    return sink == 0 ? 1 : 0;
}
