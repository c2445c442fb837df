// Reproducible random bytes for the property tests (a seeded std::mt19937).
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace mqpasswd::test {

inline std::vector<unsigned char> random_bytes_of(std::mt19937& random, std::size_t length) {
    std::vector<unsigned char> data(length);
    for (auto& byte : data) {
        byte = static_cast<unsigned char>(random());
    }
    return data;
}

}  // namespace mqpasswd::test
