// Which shared libraries a program is linked against, read from its ELF dynamic section: how a
// broker's build is told without running it (an argon2-enabled Mosquitto needs libargon2.so).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mqpasswd {

struct ElfLinking {
    bool dynamic = false;             // has a dynamic section (false: statically linked)
    std::vector<std::string> needed;  // DT_NEEDED, in order: "libc.so.6", ...
};

// Parses an ELF image (32- or 64-bit, either byte order). Nothing when it is not one, or when an
// offset, size or count in it points outside the image or past the limits kept here (1024 names,
// 64 KiB of them in all); never reads outside `image`, and its work is linear in the image's size.
[[nodiscard]] std::optional<ElfLinking> parse_elf_linking(std::span<const std::uint8_t> image);

// Parses the regular file at `path` in place (pread of each field, never the whole file). Nothing
// when it cannot be read or parsed.
[[nodiscard]] std::optional<ElfLinking> read_elf_linking(const std::string& path);

}  // namespace mqpasswd
