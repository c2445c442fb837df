// How `--help` looks: the names a user types, never CLI11's internal spellings, and one layout
// whatever CLI11 release it is built with (2.6 changed its own: upper-case headings, split name
// columns, wrapped descriptions), so the help, the docs that quote it and the tests agree.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace mqpasswd::cli {

// One row of an option table: "  --hash NAME" padded to 30 columns, then the description. A
// flag's value shows as typed (`--generate[=LEN]`), types never (TEXT, INT).
[[nodiscard]] std::string option_row(const CLI::Option& option);

// The whole help of a command: description, `Usage: mqpasswd set [OPTIONS] PWFILE USER
// [PASSWORD]`, Arguments, Options, Commands, then the footer, laid out here.
class HelpFormatter : public CLI::Formatter {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
};

}  // namespace mqpasswd::cli
