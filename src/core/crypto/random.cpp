// getrandom(2), the kernel's CSPRNG, rather than OpenSSL's RAND_bytes: the same quality for salts,
// generated passwords and temp-file names, without the ~1.2 ms OpenSSL spends setting up its DRBG
// on the first call (most of a one-user `set`'s own time; issue 18).
#include "core/crypto/random.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <sys/random.h>

namespace mqpasswd {

void random_bytes(std::span<std::uint8_t> out) {
    for (std::size_t done = 0; done < out.size();) {
        const ssize_t got = ::getrandom(out.data() + done, out.size() - done, 0);
        if (got < 0 && errno == EINTR) {
            continue;  // a signal before any byte (large requests may also return short: the loop goes on)
        }
        if (got <= 0) {
            throw system_error({}, "cannot get random bytes from the kernel (getrandom)", errno);
        }
        done += static_cast<std::size_t>(got);
    }
}

}  // namespace mqpasswd
