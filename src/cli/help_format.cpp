#include "cli/help_format.hpp"

namespace mqpasswd::cli {

HelpFormatter::HelpFormatter() {
    column_width(30);
    label("SUBCOMMAND", "COMMAND");
    label("Positionals", "Arguments");
}

std::string HelpFormatter::make_option_name(const CLI::Option* option, bool is_positional) const {
    std::string name = CLI::Formatter::make_option_name(option, is_positional);
    // A flag's default value, `{20}` in `--generate{20}`: not something to type.
    while (true) {
        const auto open = name.find('{');
        const auto close = name.find('}', open);
        if (open == std::string::npos || close == std::string::npos) {
            return name;
        }
        name.erase(open, close - open + 1);
    }
}

std::string HelpFormatter::make_option_opts(const CLI::Option* option) const {
    const std::string& text = option->get_option_text();
    if (text.rfind("[=", 0) == 0) {
        return text;  // `--reload[=CONF]`: the value is glued to the name
    }
    std::string opts = text.empty() ? std::string{} : " " + text;
    if (option->get_positional() && option->get_items_expected_max() > 1) {
        opts += " ...";
    }
    if (option->nonpositional() && option->get_required()) {
        opts += " (required)";
    }
    return opts;
}

}  // namespace mqpasswd::cli
