// mqpasswd's entry point: parse, run one command, turn the one error type into a message and code.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/compat.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <new>
#include <span>
#include <sys/prctl.h>

namespace {

int fail(const mqpasswd::Error& error, bool json) {
    mqpasswd::cli::print_error(error);
    if (json) {
        mqpasswd::cli::print_error_json(error);
    }
    return static_cast<int>(error.code());
}

// The front `argv` asks for: mosquitto_passwd's when installed under its name (a symlink) or
// after `compat`, else the native command line. `json`: whether a failure is answered in JSON,
// from the parsed options or, when the command line itself is wrong, from the words typed.
int run_front(std::span<char*> argv, bool& json) {
    using namespace mqpasswd;
    if (argv.empty()) {  // execve with no argv at all: no name, no arguments
        throw Error(ExitCode::usage, "no program name in argv");
    }
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    std::string_view program = argv[0];
    program.remove_prefix(program.rfind('/') + 1);  // npos + 1 == 0: no directory part
    if (program == "mosquitto_passwd") {
        return cli::run_compat(args, argv);
    }
    if (!args.empty() && args.front() == "compat") {
        return cli::run_compat({args.begin() + 1, args.end()}, argv);
    }
    json = std::find(args.begin(), args.end(), "--json") != args.end();
    cli::ParsedCommandLine parsed = cli::parse_command_line(std::move(args));
    if (parsed.help) {
        cli::print_help(*parsed.help);
        return 0;
    }
    json = parsed.options.json;
    if (parsed.options.password_source.kind == PasswordSourceKind::argument) {
        cli::clear_from_argv(argv, parsed.options.password_argument);
    }
    return cli::run_command(parsed.options);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace mqpasswd;
    // Every command may hold a password (argv, a prompt, a plain-text line, an import source), so
    // the whole process is kept out of core dumps, and other processes of the same user cannot
    // read its memory through /proc or ptrace. A program it runs (mosquitto -h) is dumpable again.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    bool json = false;
    try {
        return run_front({argv, static_cast<std::size_t>(argc)}, json);
    } catch (const Error& error) {
        return fail(error, json);
    } catch (const std::bad_alloc&) {
        return fail(Error(ExitCode::failure, "out of memory"), json);
    } catch (const std::exception& error) {
        return fail(Error(ExitCode::failure, error.what()), json);
    }
}
