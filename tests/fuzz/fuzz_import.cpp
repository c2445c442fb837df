// libFuzzer: the import formats (user:password lines, CSV, JSON Lines, a JSON array), guessed and forced,
// strict and with --skip-invalid. Bad input may only ever become an Error.
#include "core/error.hpp"
#include "core/input/import_source.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace {

void parse(std::string_view content, std::optional<mqpasswd::ImportFormat> format, bool skip_invalid) {
    try {
        (void)mqpasswd::parse_import(content, format, "fuzz", skip_invalid);
    } catch (const mqpasswd::Error&) {
        // refusing is fine; crashing, hanging or leaking is not
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content(reinterpret_cast<const char*>(data), size);
    for (const bool skip_invalid : {false, true}) {
        parse(content, std::nullopt, skip_invalid);
        for (const auto format : {mqpasswd::ImportFormat::lines, mqpasswd::ImportFormat::csv,
                                  mqpasswd::ImportFormat::jsonl, mqpasswd::ImportFormat::json}) {
            parse(content, format, skip_invalid);
        }
    }
    return 0;
}
