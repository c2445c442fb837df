#include "core/crypto/libcrypto.hpp"

#include <dlfcn.h>

#ifndef MQPASSWD_LIBCRYPTO_SONAME
#error "MQPASSWD_LIBCRYPTO_SONAME names the libcrypto to load (src/CMakeLists.txt)"
#endif

namespace mqpasswd::libcrypto {
namespace {

constexpr const char* symbol_version = "OPENSSL_3.0.0";

struct Loaded {
    Functions functions{};
    bool ok = false;
    std::string error;
};

Loaded load() {
    Loaded loaded;
    // RTLD_LOCAL: its symbols resolve nothing else in the process. Never closed.
    void* handle = ::dlopen(MQPASSWD_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = ::dlerror();
        loaded.error = why != nullptr ? why : "cannot load " MQPASSWD_LIBCRYPTO_SONAME;
        return loaded;
    }
    const auto find = [&](const char* name) -> void* {
        void* address = ::dlvsym(handle, name, symbol_version);
        if (address == nullptr && loaded.error.empty()) {
            loaded.error = std::string(MQPASSWD_LIBCRYPTO_SONAME " has no ") + name + "@" + symbol_version;
        }
        return address;
    };
    loaded.functions.sha512_transform =
        reinterpret_cast<void (*)(void*, const unsigned char*)>(find("SHA512_Transform"));
    loaded.functions.version = reinterpret_cast<const char* (*)(int)>(find("OpenSSL_version"));
    loaded.ok = loaded.error.empty();
    return loaded;
}

const Loaded& loaded() {
    static const Loaded once = load();  // thread-safe initialisation
    return once;
}

}  // namespace

const Functions* functions() noexcept {
    try {
        const Loaded& state = loaded();
        return state.ok ? &state.functions : nullptr;
    } catch (...) {  // out of memory for the error text
        return nullptr;
    }
}

std::string load_error() {
    return loaded().error;
}

}  // namespace mqpasswd::libcrypto
