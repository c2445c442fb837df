// A reader of just enough of ELF (the System V gABI: header, program headers, dynamic section,
// its string table) to list DT_NEEDED. Every field read is bounds-checked against the image.
#include "broker/elf_linking.hpp"

#include "core/fs/unique_fd.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::uint64_t max_program_headers = 4096;
constexpr std::uint64_t max_dynamic_entries = 65536;
constexpr std::size_t max_needed = 1024;
// The names' bytes in all: entries may share one string, so without this 1024 of them pointing at
// a long one would copy a thousand times the file.
constexpr std::size_t max_needed_bytes = 64U << 10U;

constexpr std::uint32_t pt_load = 1;
constexpr std::uint32_t pt_dynamic = 2;
constexpr std::uint64_t dt_null = 0;
constexpr std::uint64_t dt_needed = 1;
constexpr std::uint64_t dt_strtab = 5;
constexpr std::uint64_t dt_strsz = 10;

// Where the bytes come from: the caller's span, or a file read with pread, a field at a time,
// so that a program of any size costs a few hundred small reads and no more memory than its names.
class ByteSource {
public:
    ByteSource() = default;
    ByteSource(const ByteSource&) = delete;
    ByteSource& operator=(const ByteSource&) = delete;
    virtual ~ByteSource() = default;
    [[nodiscard]] virtual std::uint64_t size() const = 0;
    // Fills `out` from `offset`, which the caller has checked lies inside with all of `out`.
    [[nodiscard]] virtual bool read(std::uint64_t offset, std::span<std::uint8_t> out) const = 0;
};

class SpanSource final : public ByteSource {
public:
    explicit SpanSource(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    [[nodiscard]] std::uint64_t size() const override { return bytes_.size(); }
    [[nodiscard]] bool read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
        std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
        return true;
    }

private:
    std::span<const std::uint8_t> bytes_;
};

class FileSource final : public ByteSource {
public:
    FileSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    [[nodiscard]] std::uint64_t size() const override { return size_; }
    [[nodiscard]] bool read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
        std::size_t have = 0;
        while (have < out.size()) {
            const ssize_t got = ::pread(fd_, out.data() + have, out.size() - have, static_cast<off_t>(offset + have));
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                return false;  // shorter than fstat said: changed under us
            }
            have += static_cast<std::size_t>(got);
        }
        return true;
    }

private:
    int fd_;
    std::uint64_t size_;
};

class Image {
public:
    Image(const ByteSource& source, bool wide, bool big_endian)
        : source_(source), wide_(wide), big_endian_(big_endian) {}

    // The unsigned integer of `size` (at most 8) bytes at `offset`; nothing when it is not all inside.
    [[nodiscard]] std::optional<std::uint64_t> uint(std::uint64_t offset, std::size_t size) const {
        std::array<std::uint8_t, 8> bytes{};
        if (offset > source_.size() || source_.size() - offset < size ||
            !source_.read(offset, std::span(bytes).first(size))) {
            return std::nullopt;
        }
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) {
            value = (value << 8U) | bytes[big_endian_ ? i : size - 1 - i];
        }
        return value;
    }
    // A word: 8 bytes in ELF64, 4 in ELF32 (addresses, offsets, sizes, dynamic entries).
    [[nodiscard]] std::optional<std::uint64_t> word(std::uint64_t offset) const { return uint(offset, word_size()); }
    [[nodiscard]] std::size_t word_size() const { return wide_ ? 8 : 4; }
    [[nodiscard]] bool wide() const { return wide_; }
    [[nodiscard]] std::uint64_t size() const { return source_.size(); }
    // The NUL-terminated string at `offset` within [start, start + length), of fewer than `limit`
    // bytes; nothing when it runs past either (so no scan is longer than `limit`).
    [[nodiscard]] std::optional<std::string> string_at(std::uint64_t start, std::uint64_t length, std::uint64_t offset,
                                                       std::size_t limit) const {
        if (start > source_.size() || length > source_.size() - start || offset >= length) {
            return std::nullopt;
        }
        const std::uint64_t room = std::min<std::uint64_t>(length - offset, limit);
        std::string text;
        std::array<std::uint8_t, 256> chunk{};
        for (std::uint64_t at = 0; at < room;) {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), room - at));
            if (!source_.read(start + offset + at, std::span(chunk).first(take))) {
                return std::nullopt;
            }
            const auto used = std::span(chunk).first(take);
            const auto nul = static_cast<std::size_t>(std::find(used.begin(), used.end(), 0) - used.begin());
            text.append(reinterpret_cast<const char*>(used.data()), nul);
            if (nul != take) {
                return text;
            }
            at += take;
        }
        return std::nullopt;
    }

private:
    const ByteSource& source_;
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

struct Segments {
    std::vector<Segment> loads;
    std::optional<Segment> dynamic;  // the first PT_DYNAMIC
};

// The program headers; nothing when a count or size is out of bounds.
std::optional<Segments> read_segments(const Image& image) {
    const auto phoff = image.word(image.wide() ? 32 : 28);
    const auto phentsize = image.uint(image.wide() ? 54 : 42, 2);
    const auto phnum = image.uint(image.wide() ? 56 : 44, 2);
    if (!phoff || !phentsize || !phnum || *phnum > max_program_headers || *phentsize < (image.wide() ? 56U : 32U)) {
        return std::nullopt;
    }
    Segments segments;
    for (std::uint64_t i = 0; i < *phnum; ++i) {
        const auto segment = program_header(image, *phoff + i * *phentsize);
        if (!segment) {
            return std::nullopt;
        }
        if (segment->type == pt_load) {
            segments.loads.push_back(*segment);
        } else if (segment->type == pt_dynamic && !segments.dynamic) {
            segments.dynamic = segment;
        }
    }
    return segments;
}

struct DynamicSection {
    std::vector<std::uint64_t> needed;  // DT_NEEDED: offsets into the string table
    std::optional<std::uint64_t> strtab;
    std::optional<std::uint64_t> strsz;
};

std::optional<DynamicSection> read_dynamic(const Image& image, const Segment& dynamic) {
    const std::uint64_t entry_size = 2 * image.word_size();
    if (dynamic.offset > image.size() || dynamic.file_size > image.size() - dynamic.offset ||
        dynamic.file_size / entry_size > max_dynamic_entries) {
        return std::nullopt;
    }
    DynamicSection section;
    for (std::uint64_t at = dynamic.offset; at + entry_size <= dynamic.offset + dynamic.file_size; at += entry_size) {
        const auto tag = image.word(at);
        const auto value = image.word(at + image.word_size());
        if (!tag || !value) {
            return std::nullopt;
        }
        if (*tag == dt_null) {
            break;
        }
        if (*tag == dt_needed) {
            if (section.needed.size() == max_needed) {
                return std::nullopt;
            }
            section.needed.push_back(*value);
        } else if (*tag == dt_strtab) {
            section.strtab = *value;
        } else if (*tag == dt_strsz) {
            section.strsz = *value;
        }
    }
    return section;
}

// The names DT_NEEDED points at, within max_needed_bytes in all.
std::optional<std::vector<std::string>> needed_names(const Image& image, const std::vector<Segment>& loads,
                                                     const DynamicSection& section) {
    std::vector<std::string> names;
    if (section.needed.empty()) {
        return names;
    }
    const auto table = section.strtab ? file_offset(loads, *section.strtab) : std::nullopt;
    if (!table || !section.strsz) {
        return std::nullopt;
    }
    std::size_t name_bytes = 0;
    for (const std::uint64_t offset : section.needed) {
        auto name = image.string_at(*table, *section.strsz, offset, max_needed_bytes - name_bytes);
        if (!name) {
            return std::nullopt;
        }
        name_bytes += name->size() + 1;
        names.push_back(std::move(*name));
    }
    return names;
}

std::optional<ElfLinking> parse(const ByteSource& source) {
    std::array<std::uint8_t, 16> ident{};
    if (source.size() < ident.size() || !source.read(0, ident) || ident[0] != 0x7f || ident[1] != 'E' ||
        ident[2] != 'L' || ident[3] != 'F' || (ident[4] != 1 && ident[4] != 2) || (ident[5] != 1 && ident[5] != 2)) {
        return std::nullopt;
    }
    const Image image(source, ident[4] == 2, ident[5] == 2);
    const auto segments = read_segments(image);
    if (!segments) {
        return std::nullopt;
    }
    ElfLinking linking;
    if (!segments->dynamic) {
        return linking;  // statically linked
    }
    linking.dynamic = true;
    const auto section = read_dynamic(image, *segments->dynamic);
    auto names = section ? needed_names(image, segments->loads, *section) : std::nullopt;
    if (!names) {
        return std::nullopt;
    }
    linking.needed = std::move(*names);
    return linking;
}

}  // namespace

std::optional<ElfLinking> parse_elf_linking(std::span<const std::uint8_t> image) {
    return parse(SpanSource(image));
}

std::optional<ElfLinking> read_elf_linking(const std::string& path) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    struct stat info {};
    if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < 0) {
        return std::nullopt;
    }
    return parse(FileSource(fd.get(), static_cast<std::uint64_t>(info.st_size)));
}

}  // namespace mqpasswd
