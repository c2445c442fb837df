// Secret storage: explicit growth so that every discarded buffer is cleansed first.
#include "core/crypto/secret.hpp"

#include <algorithm>
#include <cstring>

namespace mqpasswd {

Secret Secret::copy_of(std::string_view bytes) {
    Secret secret;
    secret.reserve(bytes.size());
    if (!bytes.empty()) {
        std::memcpy(secret.buffer_.get(), bytes.data(), bytes.size());
    }
    secret.size_ = bytes.size();
    return secret;
}

Secret::Secret(Secret&& other) noexcept
    : buffer_(std::move(other.buffer_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = 0;
    other.capacity_ = 0;
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        release();
        buffer_ = std::move(other.buffer_);
        size_ = other.size_;
        capacity_ = other.capacity_;
        other.size_ = 0;
        other.capacity_ = 0;
    }
    return *this;
}

Secret::~Secret() {
    release();
}

void Secret::release() noexcept {
    if (buffer_) {
        wipe_buffer(buffer_.get(), capacity_);
        buffer_.reset();
    }
    size_ = 0;
    capacity_ = 0;
}

void Secret::reserve(std::size_t capacity) {
    if (capacity <= capacity_ && buffer_) {
        return;
    }
    auto bigger = std::make_unique<char[]>(std::max<std::size_t>(capacity, 1));
    if (buffer_) {
        std::memcpy(bigger.get(), buffer_.get(), size_);
        wipe_buffer(buffer_.get(), capacity_);
    }
    buffer_ = std::move(bigger);
    capacity_ = std::max<std::size_t>(capacity, 1);
}

void Secret::push_back(char byte) {
    if (size_ == capacity_) {
        reserve(std::max<std::size_t>(64, capacity_ * 2));
    }
    buffer_[size_++] = byte;
}

void Secret::append(const char* data, std::size_t size) {
    if (size_ + size > capacity_) {
        reserve(std::max(size_ + size, capacity_ * 2));
    }
    if (size > 0) {
        std::memcpy(buffer_.get() + size_, data, size);
        size_ += size;
    }
}

void Secret::pop_back() noexcept {
    if (size_ > 0) {
        buffer_[--size_] = '\0';
    }
}

void Secret::clear() noexcept {
    if (buffer_) {
        wipe_buffer(buffer_.get(), capacity_);
    }
    size_ = 0;
}

std::span<const unsigned char> Secret::bytes() const noexcept {
    if (!buffer_) {
        return {};
    }
    return {reinterpret_cast<const unsigned char*>(buffer_.get()), size_};
}

std::string_view Secret::text() const noexcept {
    return buffer_ ? std::string_view(buffer_.get(), size_) : std::string_view();
}

bool Secret::contains(char byte) const noexcept {
    return size_ > 0 && std::memchr(buffer_.get(), byte, size_) != nullptr;
}

bool Secret::equals(const Secret& other) const noexcept {
    if (size_ != other.size_) {
        return false;
    }
    return size_ == 0 || constant_time_equal(buffer_.get(), other.buffer_.get(), size_);
}

bool Secret::equals(std::string_view other) const noexcept {
    if (size_ != other.size()) {
        return false;
    }
    return size_ == 0 || constant_time_equal(buffer_.get(), other.data(), size_);
}

void wipe_buffer(void* data, std::size_t size) noexcept {
    if (size > 0) {
        ::explicit_bzero(data, size);  // not removed as a dead store, unlike memset
    }
}

void wipe_stack_below() noexcept {
    unsigned char area[65536];
    ::explicit_bzero(area, sizeof area);
}

bool constant_time_equal(const void* a, const void* b, std::size_t size) noexcept {
    // Every byte is read whatever the others hold; the volatile reads keep the compiler from
    // turning the loop back into an early exit.
    const volatile auto* x = static_cast<const volatile unsigned char*>(a);
    const volatile auto* y = static_cast<const volatile unsigned char*>(b);
    unsigned char difference = 0;
    for (std::size_t i = 0; i < size; ++i) {
        difference = static_cast<unsigned char>(difference | (x[i] ^ y[i]));
    }
    return difference == 0;
}

void wipe(std::string& text) noexcept {
    if (!text.empty()) {
        wipe_buffer(text.data(), text.size());
    }
    text.clear();
}

}  // namespace mqpasswd
