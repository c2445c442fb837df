// libFuzzer: the hash decoder. Any text is inspected without crashing; what it calls valid is
// verified (when cheap enough for a fuzzer) without crashing either.
#include "core/crypto/base64.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const mqpasswd::HashInfo info = mqpasswd::inspect_hash(text);
    (void)mqpasswd::base64_decode(text, mqpasswd::Padding::required);
    const bool cheap = (info.kind == mqpasswd::HashKind::sha512_pbkdf2 && info.iterations <= 2000) ||
                       info.kind == mqpasswd::HashKind::sha512 || info.kind == mqpasswd::HashKind::plain_text ||
                       (info.kind == mqpasswd::HashKind::argon2id && info.argon2.memory_kib <= 256 &&
                        info.argon2.time_cost <= 2 && info.argon2.parallelism <= 2);
    if (cheap) {
        (void)mqpasswd::verify_hash(text, mqpasswd::Secret::copy_of("password"));
    }
    return 0;
}
