// A reader of just enough of ELF (the System V gABI: header, program headers, dynamic section,
// its string table) to list DT_NEEDED. Every field read is bounds-checked against the image.
#include "broker/elf_linking.hpp"

#include "core/file_size.hpp"
#include "core/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_image = 64U << 20U;
constexpr std::uint64_t max_program_headers = 4096;
constexpr std::uint64_t max_dynamic_entries = 65536;
constexpr std::size_t max_needed = 1024;

constexpr std::uint32_t pt_load = 1;
constexpr std::uint32_t pt_dynamic = 2;
constexpr std::uint64_t dt_null = 0;
constexpr std::uint64_t dt_needed = 1;
constexpr std::uint64_t dt_strtab = 5;
constexpr std::uint64_t dt_strsz = 10;

class Image {
public:
    Image(std::span<const std::uint8_t> bytes, bool wide, bool big_endian)
        : bytes_(bytes), wide_(wide), big_endian_(big_endian) {}

    // The unsigned integer of `size` bytes at `offset`; nothing when it is not all inside.
    [[nodiscard]] std::optional<std::uint64_t> uint(std::uint64_t offset, std::size_t size) const {
        if (offset > bytes_.size() || bytes_.size() - offset < size) {
            return std::nullopt;
        }
        const auto at = static_cast<std::size_t>(offset);  // inside the image: it fits
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) {
            const std::uint8_t byte = bytes_[at + (big_endian_ ? i : size - 1 - i)];
            value = (value << 8U) | byte;
        }
        return value;
    }
    // A word: 8 bytes in ELF64, 4 in ELF32 (addresses, offsets, sizes, dynamic entries).
    [[nodiscard]] std::optional<std::uint64_t> word(std::uint64_t offset) const { return uint(offset, word_size()); }
    [[nodiscard]] std::size_t word_size() const { return wide_ ? 8 : 4; }
    [[nodiscard]] bool wide() const { return wide_; }
    [[nodiscard]] std::uint64_t size() const { return bytes_.size(); }
    // The NUL-terminated string at `offset` within [start, start + length); nothing past it.
    [[nodiscard]] std::optional<std::string> string_at(std::uint64_t start, std::uint64_t length,
                                                       std::uint64_t offset) const {
        if (start > bytes_.size() || length > bytes_.size() - start || offset >= length) {
            return std::nullopt;
        }
        const auto* begin = bytes_.data() + static_cast<std::size_t>(start + offset);  // inside: it fits
        const auto* end = bytes_.data() + static_cast<std::size_t>(start + length);
        const auto* nul = begin;
        while (nul != end && *nul != 0) {
            ++nul;
        }
        if (nul == end) {
            return std::nullopt;
        }
        return std::string(begin, nul);
    }

private:
    std::span<const std::uint8_t> bytes_;
    bool wide_;
    bool big_endian_;
};

struct Segment {
    std::uint32_t type = 0;
    std::uint64_t offset = 0;
    std::uint64_t address = 0;
    std::uint64_t file_size = 0;
};

std::optional<Segment> program_header(const Image& image, std::uint64_t at) {
    Segment segment;
    const auto type = image.uint(at, 4);
    // ELF64: type, flags, offset, vaddr, paddr, filesz; ELF32: type, offset, vaddr, paddr, filesz.
    const std::uint64_t field = image.wide() ? at + 8 : at + 4;
    const auto offset = image.word(field);
    const auto address = image.word(field + image.word_size());
    const auto file_size = image.word(field + 3 * image.word_size());
    if (!type || !offset || !address || !file_size) {
        return std::nullopt;
    }
    segment.type = static_cast<std::uint32_t>(*type);
    segment.offset = *offset;
    segment.address = *address;
    segment.file_size = *file_size;
    return segment;
}

// The file offset of a virtual address, through the loadable segment that holds it.
std::optional<std::uint64_t> file_offset(const std::vector<Segment>& loads, std::uint64_t address) {
    for (const auto& load : loads) {
        if (address >= load.address && address - load.address < load.file_size &&
            load.offset <= UINT64_MAX - load.file_size) {
            return load.offset + (address - load.address);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<ElfLinking> parse_elf_linking(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 16 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F' ||
        (bytes[4] != 1 && bytes[4] != 2) || (bytes[5] != 1 && bytes[5] != 2)) {
        return std::nullopt;
    }
    const Image image(bytes, bytes[4] == 2, bytes[5] == 2);
    const auto phoff = image.word(image.wide() ? 32 : 28);
    const auto phentsize = image.uint(image.wide() ? 54 : 42, 2);
    const auto phnum = image.uint(image.wide() ? 56 : 44, 2);
    if (!phoff || !phentsize || !phnum || *phnum > max_program_headers || *phentsize < (image.wide() ? 56U : 32U)) {
        return std::nullopt;
    }
    std::vector<Segment> loads;
    std::optional<Segment> dynamic;
    for (std::uint64_t i = 0; i < *phnum; ++i) {
        const auto segment = program_header(image, *phoff + i * *phentsize);
        if (!segment) {
            return std::nullopt;
        }
        if (segment->type == pt_load) {
            loads.push_back(*segment);
        } else if (segment->type == pt_dynamic && !dynamic) {
            dynamic = segment;
        }
    }
    ElfLinking linking;
    if (!dynamic) {
        return linking;
    }
    linking.dynamic = true;
    const std::uint64_t entry_size = 2 * image.word_size();
    if (dynamic->offset > image.size() || dynamic->file_size > image.size() - dynamic->offset ||
        dynamic->file_size / entry_size > max_dynamic_entries) {
        return std::nullopt;
    }
    std::vector<std::uint64_t> needed_offsets;
    std::optional<std::uint64_t> strtab;
    std::optional<std::uint64_t> strsz;
    for (std::uint64_t at = dynamic->offset; at + entry_size <= dynamic->offset + dynamic->file_size;
         at += entry_size) {
        const auto tag = image.word(at);
        const auto value = image.word(at + image.word_size());
        if (!tag || !value) {
            return std::nullopt;
        }
        if (*tag == dt_null) {
            break;
        }
        if (*tag == dt_needed) {
            if (needed_offsets.size() == max_needed) {
                return std::nullopt;
            }
            needed_offsets.push_back(*value);
        } else if (*tag == dt_strtab) {
            strtab = *value;
        } else if (*tag == dt_strsz) {
            strsz = *value;
        }
    }
    if (needed_offsets.empty()) {
        return linking;
    }
    if (!strtab || !strsz) {
        return std::nullopt;
    }
    const auto table = file_offset(loads, *strtab);
    if (!table) {
        return std::nullopt;
    }
    for (const std::uint64_t offset : needed_offsets) {
        auto name = image.string_at(*table, *strsz, offset);
        if (!name) {
            return std::nullopt;
        }
        linking.needed.push_back(std::move(*name));
    }
    return linking;
}

std::optional<ElfLinking> read_elf_linking(const std::string& path) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    struct stat info {};
    if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || larger_than(info, max_image)) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(info.st_size));
    std::size_t have = 0;
    while (have < bytes.size()) {
        const ssize_t got = ::pread(fd.get(), bytes.data() + have, bytes.size() - have, static_cast<off_t>(have));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return std::nullopt;
        }
        have += static_cast<std::size_t>(got);
    }
    return parse_elf_linking(bytes);
}

}  // namespace mqpasswd
