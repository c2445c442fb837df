// libFuzzer: the password-file model. Any bytes parse, serialise back to themselves (the model is
// lossless), and survive the edits every command makes.
#include "core/error.hpp"
#include "core/pwfile/pwfile.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    mqpasswd::PwFile file;
    try {
        file = mqpasswd::PwFile::parse(input);
    } catch (const mqpasswd::Error&) {
        return 0;  // more lines than mqpasswd edits: refused, as it should be
    }
    if (file.serialise() != input || !file.unchanged()) {
        std::abort();  // a byte was lost or changed without an edit
    }
    for (const auto& line : file.lines()) {
        (void)mqpasswd::masked_text(line);
        (void)mqpasswd::line_problem(line);
        if (mqpasswd::line_username(line.text) != line.username) {
            std::abort();  // the streaming readers' name of a line must be the model's
        }
    }
    (void)file.duplicate_users();
    (void)file.malformed_lines();
    if (!file.lines().empty() && !file.lines().front().username.empty()) {
        file.set(file.lines().front().username, "$7$1000$c2FsdA==$aGFzaA==");
        file.remove(file.lines().back().username);
    }
    file.set("fuzz", "x");
    (void)file.serialise();
    return 0;
}
