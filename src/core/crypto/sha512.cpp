#include "core/crypto/sha512.hpp"

#include "core/crypto/pbkdf2_lanes.hpp"
#include "core/crypto/secret.hpp"

#include <algorithm>
#include <cstring>

namespace mqpasswd::sha512 {
namespace {

constexpr Words initial_state{0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
                              0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};

}  // namespace

void compress(Words& state, const unsigned char* block) noexcept {
    using Scalar = pbkdf2_kernels::Sha512Lanes<pbkdf2_kernels::ScalarOps>;
    Scalar::Schedule w;
    Scalar::State words;
    for (int i = 0; i < 16; ++i) {
        w[i] = load_big_endian(block + i * 8);
    }
    for (int i = 0; i < 8; ++i) {
        words[i] = state[static_cast<std::size_t>(i)];
    }
    Scalar::compress_block(words, w);
    for (int i = 0; i < 8; ++i) {
        state[static_cast<std::size_t>(i)] = words[i];
    }
    wipe_buffer(&w, sizeof w);
    wipe_buffer(&words, sizeof words);
}

Hasher::Hasher() noexcept : state_(initial_state) {
}

Hasher::Hasher(const Words& state, std::uint64_t absorbed) noexcept : state_(state), length_(absorbed) {
}

Words initial_words() noexcept {
    return initial_state;
}

Hasher::~Hasher() {
    wipe_buffer(state_.data(), sizeof state_);
    wipe_buffer(buffer_.data(), buffer_.size());
}

void Hasher::update(std::span<const unsigned char> data) noexcept {
    if (data.empty()) {  // an empty span's data() may be null, which memcpy must not get
        return;
    }
    length_ += data.size();
    if (used_ > 0) {
        const std::size_t take = std::min(block_size - used_, data.size());
        std::memcpy(buffer_.data() + used_, data.data(), take);
        used_ += take;
        data = data.subspan(take);
        if (used_ < block_size) {
            return;
        }
        compress(state_, buffer_.data());
        used_ = 0;
    }
    for (; data.size() >= block_size; data = data.subspan(block_size)) {
        compress(state_, data.data());
    }
    if (!data.empty()) {
        std::memcpy(buffer_.data(), data.data(), data.size());
        used_ = data.size();
    }
}

void Hasher::finish(Digest& out) noexcept {
    const std::uint64_t bits = length_ * 8;  // inputs here are far below 2^61 bytes
    buffer_[used_++] = 0x80;
    if (used_ > block_size - 16) {
        std::memset(buffer_.data() + used_, 0, block_size - used_);
        compress(state_, buffer_.data());
        used_ = 0;
    }
    std::memset(buffer_.data() + used_, 0, block_size - 8 - used_);  // the high 64 bits of the length are 0
    store_big_endian(bits, buffer_.data() + block_size - 8);
    compress(state_, buffer_.data());
    for (std::size_t i = 0; i < state_.size(); ++i) {
        store_big_endian(state_[i], out.data() + i * 8);
    }
    used_ = 0;
}

void digest(std::span<const unsigned char> data, Digest& out) noexcept {
    Hasher hasher;
    hasher.update(data);
    hasher.finish(out);
}

}  // namespace mqpasswd::sha512
