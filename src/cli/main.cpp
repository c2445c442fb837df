// mqpasswd's entry point: parse, run one command, turn the one error type into a message and code.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/compat.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <new>
#include <sys/prctl.h>

namespace {

int fail(const mqpasswd::Error& error, bool json) {
    mqpasswd::cli::print_error(error);
    if (json) {
        mqpasswd::cli::print_error_json(error);
    }
    return static_cast<int>(error.code());
}

}  // namespace

int main(int argc, char** argv) {
    using namespace mqpasswd;
    // Every command may hold a password (argv, a prompt, a plain-text line, an import source), so
    // the whole process is kept out of core dumps, and other processes of the same user cannot
    // read its memory through /proc or ptrace. A program it runs (mosquitto -h) is dumpable again.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    // Whether a failure is also answered in JSON: from the parsed options, or, when the command
    // line itself is wrong, from the words typed.
    bool json = false;
    try {
        std::vector<std::string> args(argv + 1, argv + argc);
        // Installed as mosquitto_passwd (a symlink), or asked for by name: the compat front.
        std::string_view program = argv[0];
        program.remove_prefix(program.rfind('/') + 1);  // npos + 1 == 0: no directory part
        if (program == "mosquitto_passwd") {
            return cli::run_compat(args, {argv, static_cast<std::size_t>(argc)});
        }
        if (!args.empty() && args.front() == "compat") {
            return cli::run_compat({args.begin() + 1, args.end()}, {argv, static_cast<std::size_t>(argc)});
        }
        json = std::find(args.begin(), args.end(), "--json") != args.end();
        cli::ParsedCommandLine parsed = cli::parse_command_line(std::move(args));
        if (parsed.help) {
            std::cout << *parsed.help << '\n';
            return 0;
        }
        json = parsed.options.json;
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
        return fail(error, json);
    } catch (const std::bad_alloc&) {
        return fail(Error(ExitCode::failure, "out of memory"), json);
    } catch (const std::exception& error) {
        return fail(Error(ExitCode::failure, error.what()), json);
    }
}
