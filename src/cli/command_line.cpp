// The native command line of DESIGN §3: password file first, one subcommand, global options
// accepted before or after it. No option takes an optional value that a space could separate
// from it: `--reload` is a plain flag (the configuration is `--conf CONF`), and `--generate`'s
// length needs '='; a value typed after either with a space is refused, never read as a user.
#include "cli/command_line.hpp"

#include "broker/broker_version.hpp"
#include "cli/help_format.hpp"
#include "cli/version.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"

#include <CLI/CLI.hpp>
#include <climits>

#include <algorithm>
#include <cstring>
#include <sys/stat.h>

namespace mqpasswd::cli {
namespace {

// Every way a password can be given, gathered before one is chosen.
struct PasswordFlags {
    bool batch = false;
    bool from_stdin = false;
    std::optional<int> fd;
    std::optional<std::string> env;
    std::optional<std::string> file;
    std::size_t generate_length = default_generated_length;
    CLI::Option* generate = nullptr;  // given when count() > 0
};

// The global options and the commands each does something for. One table: an option given to a
// command it does nothing for is a usage error (never silently ignored), and each command's
// --help lists the global options that apply to it.
struct GlobalOption {
    CLI::Option* option = nullptr;
    std::vector<Command> commands;
};

struct CommandName {
    Command command;
    const char* name;  // as the user types it
};

constexpr CommandName command_names[] = {{Command::set, "set"},
                                         {Command::delete_users, "delete"},
                                         {Command::verify, "verify"},
                                         {Command::list, "list"},
                                         {Command::upgrade, "upgrade"},
                                         {Command::import, "import"},
                                         {Command::check, "check"},
                                         {Command::broker_reload, "broker reload"},
                                         {Command::broker_enable, "broker enable"},
                                         {Command::dynsec_export, "dynsec export"},
                                         {Command::dynsec_import, "dynsec import"}};

const char* name_of(Command command) {
    for (const auto& entry : command_names) {
        if (entry.command == command) {
            return entry.name;
        }
    }
    return "?";
}

std::vector<GlobalOption> add_global_options(CLI::App& app, Options& options) {
    using enum Command;
    const std::vector<Command> writers = {set, delete_users, upgrade, import, dynsec_import};
    const std::vector<Command> hashers = {set, upgrade, import};
    const std::vector<Command> creators = {set, import, dynsec_export, dynsec_import};
    const std::vector<Command> everything = {set,   delete_users,  verify,        list,          upgrade,      import,
                                             check, broker_reload, broker_enable, dynsec_export, dynsec_import};
    std::vector<GlobalOption> globals;
    const auto add = [&](CLI::Option* option, std::vector<Command> commands) {
        globals.push_back({option, std::move(commands)});
    };
    add(app.add_flag("--json", options.json, "Print one JSON object on stdout, on failure too"), everything);
    add(app.add_flag("-q,--quiet", options.quiet, "Print nothing on success"), everything);
    add(app.add_flag("--dry-run", options.dry_run, "Report what would change; write, signal and chown nothing"),
        {set, delete_users, upgrade, import, broker_reload, broker_enable, dynsec_export, dynsec_import});
    add(app.add_flag("--create", options.create, "Create PWFILE if it does not exist"), creators);
    add(app.add_flag("--force", options.force, "Edit a file that has malformed lines (keeping them as they are)"),
        writers);
    add(app.add_option("--hash", options.hash, "argon2id, sha512-pbkdf2 (default) or sha512")->option_text("NAME"),
        hashers);
    add(app.add_option("--iterations", options.iterations, "PBKDF2 iterations (default 1000)")->option_text("N"),
        hashers);
    add(app.add_option("--broker-version", options.broker_version,
                       "The broker reading the file: 2.0, 2.1 or auto (default)")
            ->option_text("VERSION"),
        {set, delete_users, upgrade, import, check, broker_reload, broker_enable, dynsec_export, dynsec_import});
    add(app.add_option("--broker-argon2", options.broker_argon2,
                       "Whether that 2.1 broker reads argon2id: yes, no or auto (default)")
            ->option_text("ANSWER"),
        {set, delete_users, upgrade, import, check, broker_reload, dynsec_export, dynsec_import});
    add(app.add_option("--owner", options.new_owner.owner, "Owner of a file --create makes")->option_text("USER"),
        creators);
    add(app.add_option("--group", options.new_owner.group, "Group of a file --create makes")->option_text("GROUP"),
        creators);
    return globals;
}

void add_password_options(CLI::App& command, PasswordFlags& flags, bool allow_generate) {
    command.add_flag("-b,--batch", flags.batch, "Take the password from the last argument (visible to others)");
    command.add_flag("--stdin", flags.from_stdin, "Read the password from the first line of stdin");
    command.add_option("--password-fd", flags.fd, "Read the password from this file descriptor")->option_text("N");
    command.add_option("--password-env", flags.env, "Read the password from this environment variable")
        ->option_text("VAR");
    command.add_option("--password-file", flags.file, "Read the password from the first line of this file")
        ->option_text("FILE");
    if (allow_generate) {
        // A flag, so `--generate PWFILE` never swallows the file name; the length needs '='.
        flags.generate =
            command.add_flag("--generate{" + std::to_string(default_generated_length) + "}", flags.generate_length,
                             "Generate LEN characters (default " + std::to_string(default_generated_length) +
                                 "), print them alone on stdout");
        flags.generate->option_text("[=LEN]");
        // CLI11 2.4 forces a callback on an integer-bound flag, so count() > 0 even when it was not given.
        flags.generate->force_callback(false);
    }
}

// Turns the flags into exactly one source. Two sources, or -b without a password (or a password
// without -b), is a usage error: guessing which one was meant could set the wrong password.
PasswordSource source(PasswordSourceKind kind, int fd = -1, std::string name = {},
                      std::size_t length = default_generated_length) {
    return PasswordSource{kind, fd, std::move(name), length};
}

PasswordSource choose_source(const PasswordFlags& flags, bool has_argument) {
    std::vector<std::pair<std::string, PasswordSource>> given;
    if (flags.batch || has_argument) {
        if (!flags.batch) {
            throw Error(ExitCode::usage, "a password argument needs -b (better: --stdin or a prompt)");
        }
        if (!has_argument) {
            throw Error(ExitCode::usage, "-b needs the password as the last argument");
        }
        given.push_back({"-b", source(PasswordSourceKind::argument)});
    }
    if (flags.from_stdin) {
        given.push_back({"--stdin", source(PasswordSourceKind::stdin_line)});
    }
    if (flags.fd) {
        if (*flags.fd < 0) {
            throw Error(ExitCode::usage, "--password-fd must be a file descriptor number");
        }
        given.push_back({"--password-fd", source(PasswordSourceKind::fd, *flags.fd)});
    }
    if (flags.env) {
        given.push_back({"--password-env", source(PasswordSourceKind::env, -1, *flags.env)});
    }
    if (flags.file) {
        given.push_back({"--password-file", source(PasswordSourceKind::file, -1, *flags.file)});
    }
    if (flags.generate != nullptr && flags.generate->count() > 0) {
        given.push_back({"--generate", source(PasswordSourceKind::generate, -1, {}, flags.generate_length)});
    }
    if (given.size() > 1) {
        throw Error(ExitCode::usage, "the password is given twice (" + given[0].first + " and " + given[1].first +
                                         "); give exactly one source");
    }
    return given.empty() ? source(PasswordSourceKind::prompt) : given.front().second;
}

void check_values(const Options& options) {
    if (options.iterations && (*options.iterations < 1 || *options.iterations > INT_MAX)) {
        throw Error(ExitCode::usage, "--iterations must be from 1 to 2147483647");
    }
    check_broker_version_name(options.broker_version);
    check_broker_argon2_name(options.broker_argon2);
    if ((options.new_owner.owner || options.new_owner.group) && !options.create) {
        throw Error(ExitCode::usage, "--owner and --group apply only to a file made with --create");
    }
    if (!options.conf.empty() && !options.reload &&
        (options.command == Command::set || options.command == Command::delete_users ||
         options.command == Command::upgrade || options.command == Command::import)) {
        throw Error(ExitCode::usage, "--conf names the configuration for --reload; give --reload too");
    }
    if (options.prune && options.format.empty()) {
        // Refused before SOURCE is read. (bulk_import's check_prune_is_safe holds the same rule
        // for every caller of the core.)
        throw Error(ExitCode::usage, "--prune removes users, so it never runs on a guessed format: give --format "
                                     "(lines, csv, jsonl or json)");
    }
    if (options.json && options.password_source.kind == PasswordSourceKind::generate) {
        throw Error(ExitCode::usage, "--generate prints the new password alone on stdout and passwords never appear "
                                     "in JSON: drop --json, or generate the password yourself and give it with "
                                     "--stdin");
    }
}

void refuse_inapplicable(const std::vector<GlobalOption>& globals, Command command) {
    for (const auto& global : globals) {
        if (global.option->count() > 0 &&
            std::find(global.commands.begin(), global.commands.end(), command) == global.commands.end()) {
            std::string applies;
            for (const Command other : global.commands) {
                applies += (applies.empty() ? "" : ", ") + std::string(name_of(other));
            }
            throw Error(ExitCode::usage, global.option->get_name() + " does nothing for " + name_of(command) +
                                             " (it applies to " + applies + ")");
        }
    }
}

// `--reload CONF` and `--generate 32` look like an option and its value but are a flag and a
// positional argument: CONF would become the password file, a user to delete, the -b password or
// the import source; 32 the user or the password. Refused wherever the word would land, with the
// spelling that was probably meant: a word after `--reload` is never what the user meant.
void refuse_misread_values(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        const std::string& next = args[i + 1];
        if (next.empty() || next.front() == '-') {
            continue;
        }
        if (args[i] == "--reload") {
            throw Error(ExitCode::usage, "--reload takes no value, and " + quoted_name(next) +
                                             " would be read as an argument; put --reload after the arguments, "
                                             "and name the configuration with --conf CONF");
        }
        if (args[i] == "--generate" &&
            std::all_of(next.begin(), next.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            throw Error(ExitCode::usage, "--generate takes its length with '=' (--generate=" + next + "); " +
                                             quoted_name(next) + " would be read as an argument");
        }
    }
}

// What CLI11 would read wrongly, refused before it reads anything: an option that takes a value
// followed by another option (`--conf --dry-run` would make "--dry-run" the configuration and do
// the change for real), and a flag given a value (`--dry-run=no` would mean false).
// Every option of `app` and of its commands, nested ones too.
std::vector<const CLI::Option*> all_options(const CLI::App& app) {
    std::vector<const CLI::Option*> options;
    std::vector<const CLI::App*> pending = {&app};
    while (!pending.empty()) {
        const CLI::App* command = pending.back();
        pending.pop_back();
        for (const CLI::Option* option : command->get_options()) {
            options.push_back(option);
        }
        for (const CLI::App* nested : command->get_subcommands({})) {
            pending.push_back(nested);
        }
    }
    return options;
}

void refuse_options_misused(const std::vector<std::string>& args, const CLI::App& app) {
    const std::vector<const CLI::Option*> options = all_options(app);
    const auto named = [&](std::string_view word) -> const CLI::Option* {
        for (const CLI::Option* option : options) {
            if (!option->get_positional() && option->check_name(std::string(word))) {
                return option;
            }
        }
        return nullptr;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const std::size_t equals = arg.find('=');
        if (arg.starts_with("--") && equals != std::string::npos) {
            const CLI::Option* option = named(arg.substr(0, equals));
            if (option != nullptr && option->get_items_expected_min() == 0 && arg.rfind("--generate=", 0) != 0) {
                throw Error(ExitCode::usage, arg.substr(0, equals) + " takes no value");
            }
            continue;
        }
        const CLI::Option* option = named(arg);
        if (option == nullptr || option->get_items_expected_min() == 0 || i + 1 >= args.size()) {
            continue;
        }
        const std::string& value = args[i + 1];
        const bool number = value.size() > 1 && value.front() == '-' &&
                            std::all_of(value.begin() + 1, value.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (value.size() > 1 && value.front() == '-' && !number) {
            throw Error(ExitCode::usage, arg + " needs a value, and " + quoted_name(value) +
                                             " is an option; give the value (" + arg + " VALUE)");
        }
    }
}

// "mqpasswd", "mqpasswd help [COMMAND...]" and a misspelt command get an answer a person can act on
// instead of CLI11's "A subcommand is required".
std::string commands_list() {
    return "set, delete, verify, list, import, upgrade, check, broker enable, broker reload, dynsec export, dynsec "
           "import";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The first argument that is not an option or an option's value: the command the user typed.
std::optional<std::string> typed_command(const std::vector<std::string>& args) {
    static const std::vector<std::string> with_value = {"--hash",          "--iterations", "--broker-version",
                                                        "--broker-argon2", "--owner",      "--group"};
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (std::find(with_value.begin(), with_value.end(), args[i]) != with_value.end()) {
            ++i;
        } else if (args[i].empty() || args[i].front() != '-') {
            return args[i];
        }
    }
    return std::nullopt;
}

// `broker` must be followed by enable or reload, `dynsec` by export or import (or only options, for
// their help).
void check_group_action(const std::vector<std::string>& args, const std::string& group, const char* first,
                        const char* second) {
    const auto word = std::find(args.begin(), args.end(), group);
    const auto action =
        std::find_if(word + 1, args.end(), [](const std::string& arg) { return arg.empty() || arg.front() != '-'; });
    if (action == args.end() || *action == first || *action == second) {
        return;
    }
    std::string message = "unknown " + group + " command " + quoted_name(*action);
    for (const char* name : {first, second}) {
        if (edit_distance(*action, name) <= 2) {
            message += " (did you mean '" + std::string(name) + "'?)";
        }
    }
    throw Error(ExitCode::usage,
                message + "; it is mqpasswd " + group + ' ' + first + " or mqpasswd " + group + ' ' + second);
}

// Spellings CLI11 would read wrongly: the old `--reload=CONF`, and `--NAME=` with nothing after it.
void refuse_value_spellings(const std::vector<std::string>& args) {
    for (const auto& arg : args) {
        if (arg.rfind("--reload=", 0) == 0) {  // the old spelling; CLI11 would only say "Could not convert"
            throw Error(ExitCode::usage, "--reload takes no value; name the configuration with --conf CONF");
        }
        if (arg.starts_with("--") && arg.ends_with('=')) {
            // CLI11 would take the next word as the value: `--conf= PWFILE` must not mean --conf PWFILE.
            throw Error(ExitCode::usage, arg.substr(0, arg.size() - 1) + " is given an empty value");
        }
    }
}

// A word that is no command: the error, naming the nearest command if one is close.
[[noreturn]] void refuse_unknown_command(const std::string& typed, const std::vector<std::string>& known) {
    std::string message = "unknown command " + quoted_name(typed);
    std::string nearest;
    std::size_t nearest_distance = 3;  // suggest only what is at most 2 edits away, or a prefix
    for (const auto& name : known) {
        const std::size_t distance = typed.size() >= 2 && name.rfind(typed, 0) == 0 ? 1 : edit_distance(typed, name);
        if (distance < nearest_distance) {
            nearest = name;
            nearest_distance = distance;
        }
    }
    if (!nearest.empty()) {
        message += " (did you mean '" + nearest + "'?)";
    }
    throw Error(ExitCode::usage, message + "; the commands are " + commands_list() + " (mqpasswd --help)");
}

void check_command_word(std::vector<std::string>& args) {
    refuse_value_spellings(args);
    if (args.empty()) {
        throw Error(ExitCode::usage, "a command is required: " + commands_list() + " (mqpasswd --help)");
    }
    if (const auto help = std::find(args.begin(), args.end(), "help");
        help != args.end() && typed_command(args) == "help") {  // `mqpasswd help set` is `mqpasswd set --help`
        *help = "--help";
        std::rotate(help, help + 1, args.end());
        return;
    }
    const bool asks_for_text = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
        return arg == "--help" || arg == "-h" || arg == "--version";
    });
    const auto typed = typed_command(args);
    static const std::vector<std::string> known = {"set",     "add",    "delete", "verify", "list",
                                                   "upgrade", "import", "check",  "broker", "dynsec"};
    if (!typed) {
        if (!asks_for_text) {
            throw Error(ExitCode::usage, "a command is required: " + commands_list() + " (mqpasswd --help)");
        }
        return;
    }
    if (*typed == "compat") {
        throw Error(ExitCode::usage, "compat takes mosquitto_passwd's command line and comes first: mqpasswd compat "
                                     "ARGS...");
    }
    if (*typed == "broker") {
        check_group_action(args, "broker", "enable", "reload");
    } else if (*typed == "dynsec") {
        check_group_action(args, "dynsec", "export", "import");
    } else if (std::find(known.begin(), known.end(), *typed) == known.end()) {
        refuse_unknown_command(*typed, known);
    }
}

// Commands are listed as "Commands"; the footers say what no option list shows: where global options
// go, how to get more, exit codes. Each command's footer lists the global options that apply to it.
void describe_for_help(CLI::App& app, const std::vector<std::pair<CLI::App*, Command>>& commands,
                       const std::vector<GlobalOption>& globals) {
    app.footer("Each command takes PWFILE first; `mqpasswd COMMAND --help` lists its options and the global\n"
               "options above that apply to it, which go before or after it.\n"
               "`mqpasswd compat ARGS...` takes mosquitto_passwd's command line.\n"
               "Exit status: 0 done, 1 failed (file unchanged, unless the message says it was written),\n"
               "2 usage, 3 password mismatch, 4 no such user. Everything else: man mqpasswd");
    for (CLI::App* command : app.get_subcommands({})) {
        command->group("Commands");
        for (CLI::App* nested : command->get_subcommands({})) {
            nested->group("Commands");
            command->footer("`mqpasswd " + command->get_name() + " COMMAND --help` lists that command's options.");
        }
    }
    for (const auto& [command, kind] : commands) {
        std::string footer = "Global options (before or after the command):\n";
        for (const auto& global : globals) {
            if (std::find(global.commands.begin(), global.commands.end(), kind) != global.commands.end()) {
                footer += option_row(*global.option);
            }
        }
        footer.pop_back();  // CLI11 ends the help with its own newline
        command->footer(footer);
    }
}

// The whole command line as CLI11 objects, bound to `options` and to the values parsing gathers
// before they are checked: one definition for parsing and for command_shapes().
struct Definition {
    explicit Definition(Options& bound) : options(bound) {}
    Definition(const Definition&) = delete;
    Definition& operator=(const Definition&) = delete;
    ~Definition() { wipe(password); }  // CLI11 hands the -b password over as a std::string

    Options& options;
    PasswordFlags flags;
    std::string user;
    std::string password;
    std::vector<CLI::Option*> password_options;
    CLI::App app{"Manage Mosquitto password files, safely.", "mqpasswd"};
    std::vector<GlobalOption> globals;
    std::vector<std::pair<CLI::App*, Command>> commands;
};

// A command that takes PWFILE first, with global options accepted after it.
CLI::App* file_command(Definition& definition, const std::string& name, const std::string& description) {
    CLI::App* command = definition.app.add_subcommand(name, description);
    command->fallthrough();
    command->add_option("PWFILE", definition.options.pwfile, "The password file")->required();
    return command;
}

void add_conf_option(CLI::App& command, Options& options, const std::string& description) {
    command.add_option("--conf", options.conf, description)->option_text("CONF");
}

void add_reload_options(CLI::App& command, Options& options) {
    command.add_flag("--reload", options.reload, "Then check the file and make the broker re-read it");
    add_conf_option(command, options, "The configuration for --reload (default /etc/mosquitto/mosquitto.conf)");
}

// set and verify: USER, then the password from the last argument or one of the sources.
CLI::App* password_command(Definition& definition, CLI::App* command, bool allow_generate) {
    command->add_option("USER", definition.user, "The username")->required();
    definition.password_options.push_back(
        command->add_option("PASSWORD", definition.password, "The password (only with -b)"));
    add_password_options(*command, definition.flags, allow_generate);
    return command;
}

CLI::App* define_set(Definition& definition) {
    CLI::App* set = file_command(definition, "set", "Add a user or change a user's password")->alias("add");
    password_command(definition, set, true);
    add_reload_options(*set, definition.options);
    return set;
}

CLI::App* define_delete(Definition& definition) {
    Options& options = definition.options;
    CLI::App* command = file_command(definition, "delete", "Remove users");
    command->add_option("USER", options.users, "Usernames to remove")->required();
    command->add_flag("--missing-ok", options.missing_ok, "Ignore users that are not in the file");
    add_reload_options(*command, options);
    return command;
}

CLI::App* define_import(Definition& definition) {
    Options& options = definition.options;
    CLI::App* import = file_command(definition, "import", "Set many users from user:password lines, CSV or JSON");
    import->add_option("SOURCE", options.source, "The records: a file, a pipe, /dev/fd/N, or - for stdin (default)");
    import->add_option("--format", options.format, "lines, csv, jsonl or json (needed with --prune)")
        ->option_text("FORMAT");
    import->add_flag("--prune", options.prune, "Remove users that SOURCE does not name (needs --format)");
    import->add_flag("--skip-invalid", options.skip_invalid, "Import the valid records and list the others");
    import->add_option("-j,--jobs", options.jobs, "Hashing threads (default: one per CPU)")->option_text("N");
    add_reload_options(*import, options);
    return import;
}

// A `broker` command: global options after it reach the top level; --conf names the broker's configuration.
CLI::App* broker_command(CLI::App& broker, Options& options, const std::string& name, const std::string& description) {
    CLI::App* command = broker.add_subcommand(name, description);
    command->fallthrough();
    add_conf_option(*command, options, "The broker's configuration (default /etc/mosquitto/mosquitto.conf)");
    return command;
}

CLI::App* define_reload(CLI::App& broker, Options& options) {
    CLI::App* reload =
        broker_command(broker, options, "reload", "Check the password files, then make the broker re-read them");
    reload->add_option("--pid", options.pid, "The broker's process (default: CONF's pid_file, then systemd)")
        ->option_text("PID");
    return reload;
}

CLI::App* define_enable(CLI::App& broker, Options& options) {
    CLI::App* enable = broker_command(broker, options, "enable", "Make mosquitto.conf check clients against PWFILE");
    enable->add_option("--pwfile", options.pwfile, "The password file the broker should use")
        ->option_text("PWFILE")
        ->required();
    enable->add_flag("--no-anonymous", options.no_anonymous, "Also make sure allow_anonymous false applies");
    enable->add_flag("--replace", options.replace, "Repoint a password_file that names another file");
    enable
        ->add_option("--listener", options.listeners, "A port clients log in on, added if not listened on (repeatable)")
        ->option_text("PORT");
    enable->add_option("--bind", options.bind, "The address of a listener --listener adds (default: all)")
        ->option_text("ADDRESS");
    enable->add_flag("--fix-permissions", options.fix_permissions,
                     "Give PWFILE to the broker's user if it cannot read it");
    return enable;
}

// dynsec export PWFILE DYNSEC_JSON, dynsec import DYNSEC_JSON PWFILE: the file read, then the file written.
CLI::App* dynsec_command(CLI::App& dynsec, Options& options, bool to_dynsec) {
    CLI::App* command = dynsec.add_subcommand(
        to_dynsec ? "export" : "import",
        to_dynsec ? "Make PWFILE's users clients of a dynamic-security file, their passwords kept"
                  : "Make a dynamic-security file's clients users of PWFILE, their passwords kept");
    command->fallthrough();
    const auto add_pwfile = [&] { command->add_option("PWFILE", options.pwfile, "The password file")->required(); };
    if (to_dynsec) {
        add_pwfile();
    }
    command->add_option("DYNSEC_JSON", options.dynsec_file, "The plugin's file (its plugin_opt_config_file)")
        ->required();
    if (!to_dynsec) {
        add_pwfile();
    }
    command->add_flag("--skip-unconvertible", options.skip_unconvertible,
                      "Carry over the users that can be and list the others (default: refuse)");
    return command;
}

void define_dynsec(Definition& definition) {
    CLI::App* dynsec =
        definition.app.add_subcommand("dynsec", "Move users to or from the dynamic-security plugin's file");
    dynsec->require_subcommand(1);
    dynsec->fallthrough();  // global options after `dynsec export` reach the top level
    definition.commands.emplace_back(dynsec_command(*dynsec, definition.options, true), Command::dynsec_export);
    definition.commands.emplace_back(dynsec_command(*dynsec, definition.options, false), Command::dynsec_import);
}

void define(Definition& definition) {
    Options& options = definition.options;
    CLI::App& app = definition.app;
    app.formatter(std::make_shared<HelpFormatter>());  // before the commands, which copy it
    app.require_subcommand(1);
    app.set_version_flag("--version", std::function<std::string()>(version_text),
                         "Print the version and the OpenSSL and libargon2 built with");
    definition.globals = add_global_options(app, options);
    definition.commands.emplace_back(define_set(definition), Command::set);
    definition.commands.emplace_back(define_delete(definition), Command::delete_users);
    definition.commands.emplace_back(
        password_command(
            definition,
            file_command(definition, "verify", "Check a password: exit 0 match, 3 mismatch, 4 no such user"), false),
        Command::verify);
    definition.commands.emplace_back(
        file_command(definition, "list", "List users with their hash algorithm and parameters"), Command::list);
    CLI::App* upgrade = file_command(definition, "upgrade", "Hash plain-text lines; leave hashed lines alone");
    add_reload_options(*upgrade, options);
    definition.commands.emplace_back(upgrade, Command::upgrade);
    definition.commands.emplace_back(define_import(definition), Command::import);
    CLI::App* check =
        file_command(definition, "check", "Find what a broker would reject or warn about: exit 0 clean, 1 not");
    add_conf_option(*check, options, "The mosquitto.conf that should name PWFILE (and its broker's user)");
    definition.commands.emplace_back(check, Command::check);
    CLI::App* broker =
        app.add_subcommand("broker", "Point mosquitto.conf at a password file, or reload the running broker");
    broker->require_subcommand(1);
    broker->fallthrough();  // global options after `broker reload` reach the top level
    definition.commands.emplace_back(define_reload(*broker, options), Command::broker_reload);
    definition.commands.emplace_back(define_enable(*broker, options), Command::broker_enable);
    define_dynsec(definition);
}

// Strings wiped when the guard dies: copies of the command line may hold a -b password.
class WipedStrings {
public:
    explicit WipedStrings(std::vector<std::string> strings) : strings_(std::move(strings)) {}
    WipedStrings(const WipedStrings&) = delete;
    WipedStrings& operator=(const WipedStrings&) = delete;
    ~WipedStrings() {
        for (auto& text : strings_) {
            wipe(text);
        }
    }
    const std::vector<std::string>& get() const { return strings_; }

private:
    std::vector<std::string> strings_;
};

// CLI11 reads `args`; the help or version text when that is what was asked for. The help's groups
// and footers are made only then: ~30 us of a cold start that every other run would pay (issue 18).
std::optional<std::string> parse_with_cli11(Definition& definition, std::vector<std::string> args) {
    CLI::App& app = definition.app;
    std::reverse(args.begin(), args.end());  // CLI11 consumes a vector from its back
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp&) {
        describe_for_help(app, definition.commands, definition.globals);
        return app.help();
    } catch (const CLI::CallForVersion& version) {
        return version.what();
    } catch (const CLI::ParseError& error) {
        throw Error(ExitCode::usage, error.what());
    }
    return std::nullopt;
}

// What CLI11 gathered, into `options`: the command, its users, the one password source; `typed`
// is the command line as given, for the values CLI11 may have misread.
void gather(const Definition& definition, const std::vector<std::string>& typed, Options& options) {
    for (const auto& [command, kind] : definition.commands) {
        if (command->parsed()) {
            options.command = kind;
        }
    }
    if (!definition.user.empty() || options.command == Command::set || options.command == Command::verify) {
        options.users = {definition.user};
    }
    const bool has_password = std::any_of(definition.password_options.begin(), definition.password_options.end(),
                                          [](const CLI::Option* option) { return option->count() > 0; });
    refuse_inapplicable(definition.globals, options.command);
    refuse_misread_values(typed);
    options.password_source = choose_source(definition.flags, has_password);
    options.password_argument = definition.password;
}

}  // namespace

ParsedCommandLine parse_command_line(std::vector<std::string> args) {
    ParsedCommandLine parsed;
    check_command_word(args);
    const WipedStrings typed(args);  // in order, for refuse_misread_values
    Definition definition(parsed.options);
    define(definition);
    refuse_options_misused(typed.get(), definition.app);
    parsed.help = parse_with_cli11(definition, std::move(args));
    if (!parsed.help) {
        gather(definition, typed.get(), parsed.options);
        check_values(parsed.options);
    }
    return parsed;
}

void clear_from_argv(std::span<char*> process_argv, const std::string& password) {
    for (std::size_t i = process_argv.size(); i-- > 1 && !password.empty();) {
        if (password == process_argv[i]) {
            std::memset(process_argv[i], 0, password.size());
            return;
        }
    }
}

namespace {

void add_names(const CLI::Option& option, std::vector<std::string>& names) {
    for (const auto& name : option.get_snames()) {
        names.push_back("-" + name);
    }
    for (const auto& name : option.get_lnames()) {
        names.push_back("--" + name);
    }
}

// One command's shape: its own options, then the global ones that apply to it.
CommandShape shape_of(const Definition& definition, const CLI::App& app, const std::string& path) {
    CommandShape shape;
    shape.path = path;
    shape.aliases = app.get_aliases();
    for (const CLI::Option* option : app.get_options()) {
        if (option->nonpositional()) {
            add_names(*option, shape.options);
        }
    }
    for (const auto& [command, kind] : definition.commands) {
        for (const auto& global : definition.globals) {
            if (command == &app &&
                std::find(global.commands.begin(), global.commands.end(), kind) != global.commands.end()) {
                add_names(*global.option, shape.options);
            }
        }
    }
    for (const CLI::App* nested : app.get_subcommands({})) {
        shape.subcommands.push_back(nested->get_name());
    }
    return shape;
}

}  // namespace

std::vector<CommandShape> command_shapes() {
    Options options;
    Definition definition(options);
    define(definition);
    std::vector<CommandShape> shapes;
    std::vector<std::pair<const CLI::App*, std::string>> pending = {{&definition.app, ""}};
    while (!pending.empty()) {
        const auto [app, path] = pending.front();
        pending.erase(pending.begin());
        shapes.push_back(shape_of(definition, *app, path));
        for (const CLI::App* nested : app->get_subcommands({})) {
            pending.emplace_back(nested, path.empty() ? nested->get_name() : path + " " + nested->get_name());
        }
    }
    return shapes;
}

}  // namespace mqpasswd::cli
