// What `mqpasswd --version` prints: our version and the crypto libraries behind every hash.
#pragma once

#include <string>

namespace mqpasswd::cli {

// Two lines: mqpasswd's version, then the OpenSSL and libargon2 it was built with. OpenSSL's running
// version is shown too (libcrypto is loaded to ask it): it differs after a security update of
// libssl3, which is why it is not linked in. libargon2 has no call that reports its version, so
// only the built-with one is known.
[[nodiscard]] std::string version_text();

}  // namespace mqpasswd::cli
