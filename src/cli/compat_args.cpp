// The order of checks is the contract (facts §3.2): option loop errors, then option combinations,
// then argument counts. Scripts see the first failing check's message and nothing else.
#include "cli/compat_args.hpp"

#include <climits>

#include <cerrno>
#include <cstdlib>

namespace mqpasswd::cli {
namespace {

CompatExit fail(std::string message) {
    return CompatExit{1, {}, std::move(message) + "\n"};
}

CompatExit usage() {
    return CompatExit{1, compat_usage(), {}};
}

// C's atoi as the real tool calls it: leading blanks, a sign, then digits; the rest ignored.
int c_atoi(const std::string& text) {
    errno = 0;
    const long value = std::strtol(text.c_str(), nullptr, 10);
    if (value > INT_MAX) {
        return INT_MAX;
    }
    return value < INT_MIN ? INT_MIN : static_cast<int>(value);
}

struct Flags {
    bool batch = false;
    bool create = false;
    bool remove = false;
    bool upgrade = false;
};

// The option loop; returns the index of the first positional argument, or an exit.
std::variant<std::size_t, CompatExit> option_loop(const std::vector<std::string>& args, Flags& flags,
                                                  CompatRequest& request) {
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-H" || arg == "-I") {
            if (i + 1 == args.size()) {
                return fail("Error: " + arg + " argument given but not enough other arguments.");
            }
            const std::string& value = args[++i];
            if (arg == "-I") {
                request.iterations = c_atoi(value);
                if (*request.iterations < 1) {
                    return fail("Error: Number of iterations must be > 0.");
                }
            } else if (value == "sha512" || value == "sha512-pbkdf2" || value == "argon2id") {
                request.hash = value;
            } else {
                return fail("Error: Unknown hash type '" + value + "'");
            }
        } else if (arg == "-b") {
            flags.batch = true;
        } else if (arg == "-c") {
            flags.create = true;
        } else if (arg == "-D") {
            flags.remove = true;
        } else if (arg == "-U") {
            flags.upgrade = true;
        } else {
            break;
        }
    }
    return i;
}

std::optional<CompatExit> check_combinations(const Flags& flags) {
    if (flags.create && flags.remove) {
        return fail("Error: -c and -D cannot be used together.");
    }
    if (flags.create && flags.upgrade) {
        return fail("Error: -c and -U cannot be used together.");
    }
    if (flags.remove && flags.upgrade) {
        return fail("Error: -D and -U cannot be used together.");
    }
    if (flags.remove && flags.batch) {
        return fail("Error: -b and -D cannot be used together.");
    }
    return std::nullopt;
}

// Argument counts per mode; extra arguments are ignored where the real tool ignores them.
std::optional<CompatExit> take_positionals(const std::vector<std::string>& args, std::size_t first, const Flags& flags,
                                           CompatRequest& request) {
    const std::size_t count = args.size() - first;
    const auto at = [&](std::size_t k) { return args[first + k]; };
    if (flags.create) {
        if (count < (flags.batch ? 3U : 2U)) {
            return fail(flags.batch ? "Error: -c argument given but password file, username, or password missing."
                                    : "Error: -c argument given but password file or username missing.");
        }
        request.mode = CompatMode::create;
        request.use_stdout = at(0) == "-";
        request.pwfile = request.use_stdout ? std::string() : at(0);
        request.username = at(1);
        request.password = flags.batch ? at(2) : std::string();
    } else if (flags.remove) {
        if (count < 2) {
            return fail("Error: -D argument given but password file or username missing.");
        }
        request.mode = CompatMode::remove;
        request.pwfile = at(0);
        request.username = at(1);
    } else if (flags.upgrade) {
        if (count != 1) {
            return fail("Error: -U argument given but password file missing.");
        }
        request.mode = CompatMode::upgrade;
        request.pwfile = at(0);
    } else if (count == (flags.batch ? 3U : 2U)) {
        request.mode = CompatMode::add;
        request.pwfile = at(0);
        request.username = at(1);
        request.password = flags.batch ? at(2) : std::string();
    } else {
        return usage();
    }
    request.batch = flags.batch && !flags.upgrade;
    return std::nullopt;
}

}  // namespace

const std::string& compat_usage() {
    static const std::string text =
        "mosquitto_passwd is a tool for managing password files for mosquitto.\n"
        "\n"
        "Usage: mosquitto_passwd [-H argon2id | -H sha512-pbkdf2] [-c | -D] passwordfile username\n"
        "       mosquitto_passwd [-H argon2id | -H sha512-pbkdf2] [-c] -b passwordfile username password\n"
        "       mosquitto_passwd -U passwordfile\n"
        " -b : run in batch mode to allow passing passwords on the command line.\n"
        " -c : create a new password file. This will overwrite existing files.\n"
        " -D : delete the username rather than adding/updating its password.\n"
        " -H : specify the hashing algorithm. Defaults to argon2id, which is recommended.\n"
        "      Mosquitto 2.0 and earlier defaulted to sha512-pbkdf2.\n"
        "      Mosquitto 1.6 and earlier defaulted to sha512.\n"
        " -U : update a plain text password file to use hashed passwords.\n"
        "\n"
        "See https://mosquitto.org/ for more information.\n"
        "\n";
    return text;
}

std::variant<CompatRequest, CompatExit> parse_compat_args(const std::vector<std::string>& args) {
    if (args.empty()) {
        return usage();
    }
    CompatRequest request;
    Flags flags;
    const auto looped = option_loop(args, flags, request);
    if (const auto* exit = std::get_if<CompatExit>(&looped)) {
        return *exit;
    }
    if (auto combination = check_combinations(flags)) {
        return *combination;
    }
    if (auto counted = take_positionals(args, std::get<std::size_t>(looped), flags, request)) {
        return *counted;
    }
    return request;
}

}  // namespace mqpasswd::cli
