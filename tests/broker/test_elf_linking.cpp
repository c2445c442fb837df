#include "broker/broker_version.hpp"
#include "broker/elf_linking.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace mqpasswd;

namespace {

// A minimal ELF image: header, a PT_LOAD over the whole image, a PT_DYNAMIC, the dynamic entries
// (DT_NEEDED for each name, DT_STRTAB, DT_STRSZ, DT_NULL) and the string table.
class ElfBuilder {
public:
    ElfBuilder(bool wide, bool big_endian) : wide_(wide), big_(big_endian) {}

    std::vector<std::uint8_t> build(const std::vector<std::string>& needed, bool with_dynamic = true) {
        const std::size_t header = wide_ ? 64 : 52;
        const std::size_t phent = wide_ ? 56 : 32;
        const std::size_t word = wide_ ? 8 : 4;
        const std::size_t phnum = with_dynamic ? 2 : 1;
        const std::size_t dynamic_at = header + phnum * phent;
        const std::size_t entries = needed.size() + 3;
        const std::size_t strtab_at = dynamic_at + entries * 2 * word;
        std::string strtab(1, '\0');
        std::vector<std::size_t> offsets;
        for (const auto& name : needed) {
            offsets.push_back(strtab.size());
            strtab += name;
            strtab += '\0';
        }
        const std::size_t total = strtab_at + strtab.size();
        bytes_.assign(total, 0);
        const std::uint8_t ident[] = {
            0x7f, 'E', 'L', 'F', static_cast<std::uint8_t>(wide_ ? 2 : 1), static_cast<std::uint8_t>(big_ ? 2 : 1), 1};
        std::copy(std::begin(ident), std::end(ident), bytes_.begin());
        put(16, 2, 3);  // ET_DYN
        put(wide_ ? 32 : 28, word, header);
        put(wide_ ? 54 : 42, 2, phent);
        put(wide_ ? 56 : 44, 2, phnum);
        const std::uint64_t base = 0x10000;
        program_header(header, 1, 0, base, total);
        if (with_dynamic) {
            program_header(header + phent, 2, dynamic_at, base + dynamic_at, entries * 2 * word);
        }
        std::size_t at = dynamic_at;
        for (const std::size_t offset : offsets) {
            put(at, word, 1);
            put(at + word, word, offset);
            at += 2 * word;
        }
        put(at, word, 5);
        put(at + word, word, base + strtab_at);
        put(at + 2 * word, word, 10);
        put(at + 3 * word, word, strtab.size());
        std::copy(strtab.begin(), strtab.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(strtab_at));
        return bytes_;
    }

private:
    void put(std::size_t at, std::size_t size, std::uint64_t value) {
        for (std::size_t i = 0; i < size; ++i) {
            bytes_[at + (big_ ? size - 1 - i : i)] = static_cast<std::uint8_t>(value >> (8 * i));
        }
    }
    void program_header(std::size_t at, std::uint32_t type, std::uint64_t offset, std::uint64_t address,
                        std::uint64_t size) {
        const std::size_t word = wide_ ? 8 : 4;
        put(at, 4, type);
        const std::size_t field = wide_ ? at + 8 : at + 4;
        put(field, word, offset);
        put(field + word, word, address);
        put(field + 2 * word, word, address);
        put(field + 3 * word, word, size);
        put(field + 4 * word, word, size);
    }

    bool wide_;
    bool big_;
    std::vector<std::uint8_t> bytes_;
};

std::vector<std::string> needed_of(const std::vector<std::uint8_t>& image) {
    const auto linking = parse_elf_linking(image);
    REQUIRE(linking);
    CHECK(linking->dynamic);
    return linking->needed;
}

}  // namespace

TEST_CASE("DT_NEEDED is read from 32- and 64-bit ELF of either byte order", "[elf]") {
    const std::vector<std::string> names = {"libc.so.6", "libargon2.so.1", "libssl.so.3"};
    for (const bool wide : {false, true}) {
        for (const bool big : {false, true}) {
            INFO("wide " << wide << ", big-endian " << big);
            CHECK(needed_of(ElfBuilder(wide, big).build(names)) == names);
            const auto linked_statically = parse_elf_linking(ElfBuilder(wide, big).build({}, false));
            REQUIRE(linked_statically);
            CHECK_FALSE(linked_statically->dynamic);
        }
    }
}

TEST_CASE("a truncated or damaged ELF is refused or read within its bounds", "[elf]") {
    const auto image = ElfBuilder(true, false).build({"libargon2.so.1"});
    for (std::size_t length = 0; length < image.size(); ++length) {
        const std::vector<std::uint8_t> cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(length));
        const auto linking = parse_elf_linking(cut);
        CHECK((!linking || linking->needed.empty()));  // never a name read past the end
    }
    std::mt19937 random(12345);
    for (int round = 0; round < 20000; ++round) {
        auto damaged = image;
        for (int flips = 0; flips < 3; ++flips) {
            damaged[random() % damaged.size()] = static_cast<std::uint8_t>(random());
        }
        (void)parse_elf_linking(damaged);  // the sanitizers' round checks every read stays inside
    }
    CHECK_FALSE(parse_elf_linking(std::vector<std::uint8_t>{'#', '!', '/', 'b', 'i', 'n'}));
}

TEST_CASE("names that share one long string are bounded in all, not copied a thousand times", "[elf]") {
    const std::string long_name = "lib" + std::string(60000, 'x') + ".so";
    auto image = ElfBuilder(true, false).build({long_name, long_name});
    CHECK_FALSE(parse_elf_linking(image));  // 120 KB of names from a 60 KB image: refused
    image = ElfBuilder(true, false).build({std::string(30000, 'y'), std::string(30000, 'z')});
    const auto linking = parse_elf_linking(image);
    REQUIRE(linking);
    CHECK(linking->needed.size() == 2);
}

TEST_CASE("the real programs here: this test is linked with libargon2, the shell is not", "[elf]") {
    const auto self = read_elf_linking("/proc/self/exe");
    REQUIRE(self);
    CHECK(self->dynamic);
    CHECK(argon2_support_of("/proc/self/exe") == Argon2Support::yes);
    CHECK(argon2_support_of("/bin/sh") == Argon2Support::no);
    CHECK(argon2_support_of("/nonexistent/mosquitto") == Argon2Support::unknown);
    test::TempDir dir;
    std::ofstream(dir.file("script")) << "#!/bin/sh\necho mosquitto version 2.1.2\n";
    CHECK(argon2_support_of(dir.file("script")) == Argon2Support::unknown);
    CHECK(argon2_support_of(dir.path().string()) == Argon2Support::unknown);  // a directory
}

TEST_CASE("argon2 support is unknown for a static program or one whose own library is not read", "[elf]") {
    test::TempDir dir;
    const auto write = [&](const std::string& name, const std::vector<std::uint8_t>& image) {
        std::ofstream(dir.file(name), std::ios::binary)
            .write(reinterpret_cast<const char*>(image.data()), static_cast<std::streamsize>(image.size()));
        return dir.file(name);
    };
    CHECK(argon2_support_of(write("static", ElfBuilder(true, false).build({}, false))) == Argon2Support::unknown);
    CHECK(argon2_support_of(write("common", ElfBuilder(true, false).build({"libmosquitto_common.so.1"}))) ==
          Argon2Support::unknown);
    CHECK(argon2_support_of(write("armhf", ElfBuilder(false, false).build({"libargon2.so.1", "libc.so.6"}))) ==
          Argon2Support::yes);
    CHECK(argon2_support_of(write("plain", ElfBuilder(false, false).build({"libc.so.6"}))) == Argon2Support::no);
    // Read in place, a field at a time: a program of any size (a sanitizer build is over 100 MiB).
    const std::string big = write("big", ElfBuilder(true, false).build({"libargon2.so.1"}));
    std::filesystem::resize_file(big, std::uintmax_t{300} << 20U);
    CHECK(argon2_support_of(big) == Argon2Support::yes);
}
