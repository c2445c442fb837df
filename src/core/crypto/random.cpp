#include "core/crypto/random.hpp"

#include "core/error.hpp"

#include <climits>
#include <openssl/rand.h>

#include <algorithm>

namespace mqpasswd {

void random_bytes(std::span<std::uint8_t> out) {
    for (std::size_t done = 0; done < out.size();) {  // RAND_bytes takes an int length
        const std::size_t take = std::min<std::size_t>(out.size() - done, INT_MAX);
        if (RAND_bytes(out.data() + done, static_cast<int>(take)) != 1) {
            throw Error(ExitCode::failure, "cannot get random bytes from OpenSSL");
        }
        done += take;
    }
}

}  // namespace mqpasswd
