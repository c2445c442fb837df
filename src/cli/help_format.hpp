// How `--help` looks: the names a user types, never CLI11's internal spellings.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace mqpasswd::cli {

// CLI11 shows a flag with an optional value as `--generate{20}` and a value's type as TEXT or INT.
// This formatter shows `--generate[=LEN]` (the option text of such a flag) and leaves out the
// types, so every option reads as it is typed: `--password-fd N`, `--hash NAME`.
class HelpFormatter : public CLI::Formatter {
public:
    HelpFormatter();
    std::string make_option_name(const CLI::Option* option, bool is_positional) const override;
    std::string make_option_opts(const CLI::Option* option) const override;
};

}  // namespace mqpasswd::cli
