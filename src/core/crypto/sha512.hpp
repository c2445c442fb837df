// SHA-512 (FIPS 180-4) in portable C++: what a short command hashes with, so that it need not
// load libcrypto at all (its loading and relocation are ~0.5 ms, a sixth of a one-user `set`).
// Long runs of the compression function use OpenSSL's assembly instead (core/crypto/libcrypto.hpp
// and the rule in pbkdf2.cpp). Equality with OpenSSL's SHA-512 is tested on random inputs.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace mqpasswd::sha512 {

inline constexpr std::size_t block_size = 128;
inline constexpr std::size_t digest_size = 64;

using Words = std::array<std::uint64_t, 8>;  // a chaining value, host order
using Digest = std::array<unsigned char, digest_size>;

// SHA-512's byte order, for its words in blocks and digests (and the lane-sliced PBKDF2 words).
inline std::uint64_t load_big_endian(const unsigned char* bytes) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes, sizeof word);
    return std::endian::native == std::endian::big ? word : __builtin_bswap64(word);
}
inline void store_big_endian(std::uint64_t word, unsigned char* bytes) noexcept {
    if constexpr (std::endian::native != std::endian::big) {
        word = __builtin_bswap64(word);
    }
    std::memcpy(bytes, &word, sizeof word);
}

// One compression of a 128-byte block into `state`.
void compress(Words& state, const unsigned char* block) noexcept;

// The buffered hash. Its state may hold password bytes: it wipes itself when it goes.
class Hasher {
public:
    Hasher() noexcept;
    // Going on from a chaining value after `absorbed` bytes, a multiple of block_size (HMAC's
    // precomputed key states).
    Hasher(const Words& state, std::uint64_t absorbed) noexcept;
    Hasher(const Hasher&) = default;
    Hasher& operator=(const Hasher&) = default;
    ~Hasher();

    void update(std::span<const unsigned char> data) noexcept;
    void finish(Digest& out) noexcept;  // the hasher is spent afterwards
    // The chaining value; meaningful as a state to go on from only after whole blocks.
    [[nodiscard]] const Words& words() const noexcept { return state_; }

private:
    Words state_;
    std::array<unsigned char, block_size> buffer_{};
    std::uint64_t length_ = 0;  // bytes absorbed
    std::size_t used_ = 0;      // bytes waiting in buffer_
};

void digest(std::span<const unsigned char> data, Digest& out) noexcept;

// SHA-512's initial chaining value.
[[nodiscard]] Words initial_words() noexcept;

}  // namespace mqpasswd::sha512
