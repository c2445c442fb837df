// argv -> Options through CLI11. In-process and pure, so tests parse vectors of strings directly.
#pragma once

#include "cli/options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqpasswd::cli {

struct ParsedCommandLine {
    Options options;
    std::optional<std::string> help;  // --help / --version: print this on stdout and exit 0
};

// `args` excludes the program name. Throws Error(usage) with CLI11's or our own message.
[[nodiscard]] ParsedCommandLine parse_command_line(std::vector<std::string> args);

}  // namespace mqpasswd::cli
