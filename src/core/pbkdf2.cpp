// PBKDF2 through OpenSSL's PKCS5_PBKDF2_HMAC: the same primitive Mosquitto calls, so results agree
// by construction. (A faster single-stream implementation is issue 6's job.)
#include "core/pbkdf2.hpp"

#include "core/error.hpp"

#include <climits>
#include <openssl/evp.h>

namespace mqpasswd {

void pbkdf2_hmac_sha512(std::span<const unsigned char> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out) {
    if (iterations == 0 || iterations > INT_MAX || password.size() > INT_MAX || salt.size() > INT_MAX ||
        out.size() > INT_MAX) {
        throw Error(ExitCode::failure, "PBKDF2 parameters out of range");
    }
    // OpenSSL wants a non-null pointer even for an empty password.
    static const unsigned char empty = 0;
    const auto* password_data = password.empty() ? &empty : password.data();
    const int ok = PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password_data), static_cast<int>(password.size()),
                                     salt.data(), static_cast<int>(salt.size()), static_cast<int>(iterations),
                                     EVP_sha512(), static_cast<int>(out.size()), out.data());
    if (ok != 1) {
        throw Error(ExitCode::failure, "PBKDF2-HMAC-SHA512 failed in OpenSSL");
    }
}

}  // namespace mqpasswd
