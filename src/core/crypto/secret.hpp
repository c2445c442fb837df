// Secret: the only type that holds a password. Move-only, never printable, wiped on every path.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace mqpasswd {

class Secret {
public:
    Secret() = default;
    // Copies bytes that the caller then wipes (an environment value, an argv string).
    static Secret copy_of(std::string_view bytes);

    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    ~Secret();

    // Growing reallocates; the old buffer is wiped before it is freed, so no copy is left behind.
    void push_back(char byte);
    void append(const char* data, std::size_t size);
    void pop_back() noexcept;
    void clear() noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] char back() const noexcept { return buffer_[size_ - 1]; }
    [[nodiscard]] std::span<const unsigned char> bytes() const noexcept;
    // The bytes as text, for parsers that read a secret-bearing document in place.
    [[nodiscard]] std::string_view text() const noexcept;
    [[nodiscard]] bool contains(char byte) const noexcept;

    // Constant time in the contents; only the lengths may leak, as they do on the wire.
    [[nodiscard]] bool equals(const Secret& other) const noexcept;
    [[nodiscard]] bool equals(std::string_view other) const noexcept;

    // Room for at least `capacity` bytes, so that a reader that knows the size (a regular file's)
    // does not grow by doubling: each growth copies the secret, and the peak is old plus new.
    void reserve(std::size_t capacity);

private:
    void release() noexcept;

    std::unique_ptr<char[]> buffer_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

// Overwrites a string's bytes with zeros (for argv copies and similar that CLI11 hands us).
void wipe(std::string& text) noexcept;
// The same for a raw buffer (a read buffer on the stack).
void wipe_buffer(void* data, std::size_t size) noexcept;
// Overwrites the 64 KiB of stack below the caller's frame: where a hash function that has returned
// left its working state (registers it spilled, which no code can name to wipe). 16 KiB covered a
// release build's derivation but not a debug build under ASan, whose frames carry redzones.
[[gnu::noinline]] void wipe_stack_below() noexcept;
// Whether two buffers of `size` bytes are equal, in time that depends on `size` only.
[[nodiscard]] bool constant_time_equal(const void* a, const void* b, std::size_t size) noexcept;

// Wipes a string that may hold secret bytes when the scope ends, on every path out.
class WipeOnExit {
public:
    explicit WipeOnExit(std::string& text) noexcept : text_(text) {}
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;
    ~WipeOnExit() { wipe(text_); }

private:
    std::string& text_;
};

}  // namespace mqpasswd
