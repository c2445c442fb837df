// mqpasswd's entry point: parse, run one command, turn the one error type into a message and code.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"

#include <cstring>
#include <iostream>
#include <new>

int main(int argc, char** argv) {
    using namespace mqpasswd;
    try {
        cli::ParsedCommandLine parsed = cli::parse_command_line({argv + 1, argv + argc});
        if (parsed.help) {
            std::cout << *parsed.help << '\n';
            return 0;
        }
        if (parsed.options.password_source.kind == PasswordSourceKind::argument) {
            // Shorten the window in which ps and /proc/PID/cmdline show the -b password.
            for (int i = argc - 1; i > 0; --i) {
                if (parsed.options.password_argument == argv[i]) {
                    std::memset(argv[i], 0, parsed.options.password_argument.size());
                    break;
                }
            }
        }
        return cli::run_command(parsed.options);
    } catch (const Error& error) {
        cli::print_error(error);
        return static_cast<int>(error.code());
    } catch (const std::bad_alloc&) {
        std::cerr << "mqpasswd: out of memory\n";
    } catch (const std::exception& error) {
        std::cerr << "mqpasswd: " << cli::printable(error.what()) << '\n';
    }
    return static_cast<int>(ExitCode::failure);
}
