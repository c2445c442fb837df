// libFuzzer: the ELF reader that tells a broker's argon2 build. Any bytes are parsed without a read
// outside them; every name it returns lies inside the input.
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
        if (total > size) {
            std::abort();  // names longer than the image: read from outside it
        }
    }
    return 0;
}
