#include "cli/version.hpp"

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

namespace mqpasswd::cli {

std::string version_text() {
    std::string text = "mqpasswd " MQPASSWD_VERSION "\n";
    text += "built with OpenSSL " OPENSSL_FULL_VERSION_STR " (running ";
    text += OpenSSL_version(OPENSSL_FULL_VERSION_STRING);
    text += "), libargon2 " MQPASSWD_ARGON2_VERSION;
    return text;
}

}  // namespace mqpasswd::cli
