#include "cli/version.hpp"

#include "core/crypto/libcrypto.hpp"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

namespace mqpasswd::cli {

std::string version_text() {
    std::string text = "mqpasswd " MQPASSWD_VERSION "\n";
    text += "built with OpenSSL " OPENSSL_FULL_VERSION_STR " (running ";
    if (const libcrypto::Functions* crypto = libcrypto::functions()) {
        text += crypto->version(OPENSSL_FULL_VERSION_STRING);
    } else {
        text += "none: " + libcrypto::load_error();
    }
    text += "), libargon2 " MQPASSWD_ARGON2_VERSION;
    return text;
}

}  // namespace mqpasswd::cli
