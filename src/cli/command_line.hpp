// argv -> Options through CLI11. In-process and pure, so tests parse vectors of strings directly.
#pragma once

#include "cli/options.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mqpasswd::cli {

struct ParsedCommandLine {
    Options options;
    std::optional<std::string> help;  // --help / --version: print this on stdout and exit 0
};

// `args` excludes the program name. Throws Error(usage) with CLI11's or our own message.
[[nodiscard]] ParsedCommandLine parse_command_line(std::vector<std::string> args);

// Overwrites the last word of main's argv that is `password` (a -b password, for either front),
// shortening the window in which ps and /proc/PID/cmdline show it. argv[0] is never touched.
void clear_from_argv(std::span<char*> process_argv, const std::string& password);

// The command line's shape, read from the parser's own definition (not from --help, whose layout
// each CLI11 release changes): for the docs and completion tests, through tests/support/cli_shape.
struct CommandShape {
    std::string path;                      // "" for the top level, "set", "broker reload"
    std::vector<std::string> aliases;      // "add" for set
    std::vector<std::string> subcommands;  // the commands under it, by name
    std::vector<std::string> options;      // every option name it takes: its own, the global ones
                                           // that apply to it (all of them at the top level)
};
[[nodiscard]] std::vector<CommandShape> command_shapes();

}  // namespace mqpasswd::cli
