// libFuzzer: the ELF reader that tells a broker's argon2 build. Any bytes are parsed without a read
// outside them (ASan), and what it returns stays within its limits.
#include "broker/elf_linking.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto linking = mqpasswd::parse_elf_linking(std::span<const std::uint8_t>(data, size));
    if (linking) {
        std::size_t total = 0;
        for (const auto& name : linking->needed) {
            total += name.size() + 1;
        }
        if (total > (64U << 10U) || linking->needed.size() > 1024) {
            std::abort();  // past the limits the reader promises
        }
    }
    return 0;
}
