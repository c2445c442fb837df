#include "cli/help_format.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace mqpasswd::cli {
namespace {

constexpr std::size_t name_column = 28;  // after the two-space indent: descriptions start at 30

// A name too long for its column puts the description on the next line; every line of the
// description starts at the column.
std::string row(const std::string& name, const std::string& description) {
    const std::string indent(name_column + 2, ' ');
    std::string text =
        "  " + name + (name.size() < name_column ? std::string(name_column - name.size(), ' ') : "\n" + indent);
    for (std::string_view rest = description; !rest.empty();) {
        const TextLine line = next_line(rest);
        text += line.text;
        if (line.ended) {
            text += '\n' + indent;
        }
    }
    return text + "\n";
}

// What the user types for an option: its names, then its value.
std::string typed_name(const CLI::Option& option) {
    if (option.get_positional()) {
        return option.get_name() + (option.get_items_expected_max() > 1 ? " ..." : "");
    }
    std::string name;
    for (const auto& short_name : option.get_snames()) {
        name += "-" + short_name + ",";
    }
    for (const auto& long_name : option.get_lnames()) {
        name += "--" + long_name + ",";
    }
    name.pop_back();
    const std::string& text = option.get_option_text();
    if (text.starts_with("[=")) {
        name += text;  // `--generate[=LEN]`: the value is glued to the name
    } else if (!text.empty()) {
        name += " " + text;
    }
    if (option.get_required()) {
        name += " (required)";
    }
    return name;
}

}  // namespace

std::string option_row(const CLI::Option& option) {
    return row(typed_name(option), option.get_description());
}

namespace {

using Options = std::vector<const CLI::Option*>;
using Commands = std::vector<const CLI::App*>;

// `Usage: mqpasswd set [OPTIONS] PWFILE USER [PASSWORD]`
std::string usage_line(const std::string& name, const Options& positionals, bool has_options, bool has_commands) {
    std::string text = "Usage: " + name + (has_options ? " [OPTIONS]" : "");
    for (const CLI::Option* positional : positionals) {
        const std::string shown = positional->get_name() + (positional->get_items_expected_max() > 1 ? "..." : "");
        text += " " + (positional->get_required() ? shown : "[" + shown + "]");
    }
    return text + (has_commands ? " COMMAND" : "") + "\n";
}

std::string option_section(const std::string& title, const Options& options) {
    if (options.empty()) {
        return {};
    }
    std::string text = "\n" + title + ":\n";
    for (const CLI::Option* option : options) {
        text += option_row(*option);
    }
    return text;
}

std::string command_section(const Commands& commands) {
    if (commands.empty()) {
        return {};
    }
    std::string text = "\nCommands:\n";
    for (const CLI::App* command : commands) {
        std::string names = command->get_name();
        for (const auto& alias : command->get_aliases()) {
            names += ", " + alias;
        }
        text += row(names, command->get_description());
    }
    return text;
}

}  // namespace

std::string HelpFormatter::make_help(const CLI::App* app, std::string name, CLI::AppFormatMode /*mode*/) const {
    // An option or command in no group is hidden, as CLI11 hides it.
    const Options positionals = app->get_options(
        [](const CLI::Option* option) { return option->get_positional() && !option->get_group().empty(); });
    const Options named = app->get_options(
        [](const CLI::Option* option) { return option->nonpositional() && !option->get_group().empty(); });
    const auto listed = app->get_subcommands([](const CLI::App* command) { return !command->get_group().empty(); });
    const Commands commands(listed.begin(), listed.end());
    std::string text =
        app->get_description() + "\n" + usage_line(name, positionals, !named.empty(), !commands.empty()) +
        option_section("Arguments", positionals) + option_section("Options", named) + command_section(commands) + "\n";
    if (const std::string footer = app->get_footer(); !footer.empty()) {
        text += footer + "\n";
    }
    return text;
}

}  // namespace mqpasswd::cli
