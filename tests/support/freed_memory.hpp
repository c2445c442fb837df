// Test hook: did a heap block hold only zeros when it was freed? The unit-test binary replaces
// the global operator new and delete (tests/support/freed_memory.cpp) so that a test can watch
// one block, the buffer that held a password, and see it wiped before it went back to the heap.
#pragma once

#include <cstddef>
#include <optional>

namespace mqpasswd::test {

// False in sanitizer builds, where the sanitizer's allocator stays in place.
[[nodiscard]] bool allocation_hook_available() noexcept;

// Watches the block that starts at `block` (as operator new returned it): when it is freed, the
// first `size` bytes are checked.
void watch_block(const void* block, std::size_t size);

// nullopt while the watched block has not been freed; then whether it was all zeros.
[[nodiscard]] std::optional<bool> watched_block_was_zeroed();

}  // namespace mqpasswd::test
