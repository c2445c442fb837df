// The global allocation functions of the unit-test binary: malloc and free, plus the watch of
// freed_memory.hpp. Only the replaceable forms that plain new and delete use are replaced; the
// library's other forms call these.
#include "support/freed_memory.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<const void*> watched{nullptr};
std::size_t watched_size = 0;
std::atomic<int> verdict{-1};  // -1 not freed yet, 0 not zeroed, 1 zeroed

#ifndef MQPASSWD_NO_ALLOCATION_HOOK
void check_on_free(void* block) noexcept {
    if (block == nullptr || block != watched.load(std::memory_order_acquire)) {
        return;
    }
    const auto* bytes = static_cast<const unsigned char*>(block);
    bool zeroed = true;
    for (std::size_t i = 0; i < watched_size; ++i) {
        zeroed = zeroed && bytes[i] == 0;
    }
    verdict.store(zeroed ? 1 : 0);
    watched.store(nullptr);
}

void* allocate(std::size_t size) {
    if (void* block = std::malloc(size == 0 ? 1 : size)) {
        return block;
    }
    throw std::bad_alloc();
}
#endif

}  // namespace

namespace mqpasswd::test {

bool allocation_hook_available() noexcept {
#ifdef MQPASSWD_NO_ALLOCATION_HOOK
    return false;
#else
    return true;
#endif
}

void watch_block(const void* block, std::size_t size) {
    watched_size = size;
    verdict.store(-1);
    watched.store(block, std::memory_order_release);
}

std::optional<bool> watched_block_was_zeroed() {
    const int value = verdict.load();
    return value < 0 ? std::nullopt : std::optional<bool>(value == 1);
}

}  // namespace mqpasswd::test

// Under AddressSanitizer the sanitizer owns the allocator (and poisons freed memory, so it
// cannot be read anyway): the hook is off and the tests that need it say so.
#ifndef MQPASSWD_NO_ALLOCATION_HOOK
void* operator new(std::size_t size) {
    return allocate(size);
}
void* operator new[](std::size_t size) {
    return allocate(size);
}
void operator delete(void* block) noexcept {
    check_on_free(block);
    std::free(block);
}
void operator delete[](void* block) noexcept {
    check_on_free(block);
    std::free(block);
}
void operator delete(void* block, std::size_t) noexcept {
    check_on_free(block);
    std::free(block);
}
void operator delete[](void* block, std::size_t) noexcept {
    check_on_free(block);
    std::free(block);
}
#endif
