// mosquitto_passwd's command line, parsed as Mosquitto 2.1.2 parses it: options only before the
// first other word, fixed checks in a fixed order, and its exact messages and exit codes.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mqpasswd::cli {

enum class CompatMode { add, create, remove, upgrade };

struct CompatRequest {
    CompatMode mode = CompatMode::add;
    bool batch = false;               // -b: the password is an argument
    std::optional<std::string> hash;  // -H value as given: "sha512", "sha512-pbkdf2" or "argon2id"
    std::optional<int> iterations;    // -I (ignored by -U, as the real tool ignores it)
    std::string pwfile;               // as typed; "" with use_stdout
    bool use_stdout = false;          // -c with the file "-": print the line instead
    std::string username;
    std::string password;  // -b only; the caller wipes it
};

// What the real tool would print and return instead of doing anything.
struct CompatExit {
    int code = 1;
    std::string out;  // for stdout
    std::string err;  // for stderr
};

// The usage text of 2.1.2 (stdout, exit 1).
[[nodiscard]] const std::string& compat_usage();

// `args` excludes the program name. Checks arguments only (no files, no username rules).
[[nodiscard]] std::variant<CompatRequest, CompatExit> parse_compat_args(const std::vector<std::string>& args);

}  // namespace mqpasswd::cli
