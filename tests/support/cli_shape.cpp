// Prints the native command line's shape (command_shapes) for the docs and completion tests, one
// command per line: PATH, a tab, its aliases, a tab, its subcommands, a tab, its options; each
// list space-separated. The top level's PATH is empty.
#include "cli/command_line.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "" : " ") + name;
    }
    return text;
}

}  // namespace

int main() {
    for (const auto& shape : mqpasswd::cli::command_shapes()) {
        std::cout << shape.path << '\t' << joined(shape.aliases) << '\t' << joined(shape.subcommands) << '\t'
                  << joined(shape.options) << '\n';
    }
    return 0;
}
