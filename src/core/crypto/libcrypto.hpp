// OpenSSL's libcrypto, loaded when first needed instead of at every start: loading and relocating
// it is ~0.5 ms (4,000 symbol relocations), a sixth of a one-user `set`, which hashes with the
// portable SHA-512 (sha512.hpp) and never needs it. What mqpasswd takes from it is the SHA-512
// compression function in assembly, for long runs of it (pbkdf2.cpp), and its version string.
//
// Loaded by soname (MQPASSWD_LIBCRYPTO_SONAME, from the build's OpenSSL), so from the same
// directories as a DT_NEEDED entry would be, and each symbol at the version the build linked
// against (dlvsym). The package depends on it by name (cmake/Packaging.cmake), as it no longer
// appears in the binary's dynamic section. Thread-safe; loaded at most once per process.
#pragma once

#include <string>

namespace mqpasswd::libcrypto {

struct Functions {
    void (*sha512_transform)(void* context, const unsigned char* block);  // SHA512_Transform
    const char* (*version)(int which);                                    // OpenSSL_version
};

// The functions, or nullptr when libcrypto cannot be loaded or lacks one (load_error() says why).
[[nodiscard]] const Functions* functions() noexcept;
[[nodiscard]] std::string load_error();

}  // namespace mqpasswd::libcrypto
