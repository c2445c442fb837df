// The native command line of DESIGN §3: password file first, one subcommand, global options
// accepted before or after it.
#include "cli/command_line.hpp"

#include "cli/help_format.hpp"
#include "cli/version.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"

#include <CLI/CLI.hpp>
#include <climits>

#include <algorithm>

namespace mqpasswd::cli {
namespace {

// Every way a password can be given, gathered before one is chosen.
struct PasswordFlags {
    bool batch = false;
    bool from_stdin = false;
    std::optional<int> fd;
    std::optional<std::string> env;
    std::optional<std::string> file;
    std::size_t generate_length = 20;
    CLI::Option* generate = nullptr;  // given when count() > 0
};

void add_global_options(CLI::App& app, Options& options) {
    app.add_flag("--json", options.json, "Print one JSON object (or array) on stdout");
    app.add_flag("-q,--quiet", options.quiet, "Print nothing on success");
    app.add_flag("--dry-run", options.dry_run, "Compute and report, write nothing, show a masked diff");
    app.add_flag("--create", options.create, "Create PWFILE if it does not exist");
    app.add_flag("--force", options.force, "Edit a file that has malformed lines (keeping them as they are)");
    app.add_option("--hash", options.hash, "argon2id, sha512-pbkdf2 (default) or sha512")->option_text("NAME");
    app.add_option("--iterations", options.iterations, "PBKDF2 iterations (default 1000)")->option_text("N");
    app.add_option("--broker-version", options.broker_version,
                   "The broker reading the file: 2.0, 2.1 or auto (default)")
        ->option_text("VERSION");
    app.add_option("--owner", options.new_owner.owner, "Owner of a newly created file")->option_text("USER");
    app.add_option("--group", options.new_owner.group, "Group of a newly created file")->option_text("GROUP");
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
        flags.generate = command.add_flag("--generate{20}", flags.generate_length,
                                          "Generate a password of LEN characters (default 20) and print it");
        flags.generate->option_text("[=LEN]");
    }
}

// Turns the flags into exactly one source. Two sources, or -b without a password (or a password
// without -b), is a usage error: guessing which one was meant could set the wrong password.
PasswordSource source(PasswordSourceKind kind, int fd = -1, std::string name = {}, std::size_t length = 20) {
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
}

// Commands are listed as "Commands"; the footers say what no option list shows: where global options
// go, how to get more, exit codes.
void describe_for_help(CLI::App& app) {
    app.footer("Each command takes PWFILE first; `mqpasswd COMMAND --help` lists its options, and the options\n"
               "above go before or after it. `mqpasswd compat ARGS...` takes mosquitto_passwd's command line.\n"
               "Exit status: 0 done, 1 failed (file unchanged), 2 usage, 3 password mismatch, 4 no such user.\n"
               "Everything else: man mqpasswd");
    std::vector<CLI::App*> commands = app.get_subcommands({});
    while (!commands.empty()) {
        CLI::App* command = commands.back();
        commands.pop_back();
        command->group("Commands");
        command->footer("Global options (mqpasswd --help) go before or after the command.");
        for (CLI::App* nested : command->get_subcommands({})) {
            commands.push_back(nested);
        }
    }
}

}  // namespace

ParsedCommandLine parse_command_line(std::vector<std::string> args) {
    ParsedCommandLine parsed;
    Options& options = parsed.options;
    PasswordFlags flags;
    std::string user;
    std::string password;
    const WipeOnExit wipe_password(password);  // CLI11 hands the -b password over as a std::string
    std::vector<CLI::Option*> password_options;

    CLI::App app{"Manage Mosquitto password files, safely.", "mqpasswd"};
    app.formatter(std::make_shared<HelpFormatter>());  // before the commands, which copy it
    app.require_subcommand(1);
    app.set_version_flag("--version", std::function<std::string()>(version_text),
                         "Print the version and the OpenSSL and libargon2 built with");
    add_global_options(app, options);

    CLI::App* set = app.add_subcommand("set", "Add a user or change a user's password")->alias("add");
    CLI::App* remove = app.add_subcommand("delete", "Remove users");
    CLI::App* verify = app.add_subcommand("verify", "Check a password: exit 0 match, 3 mismatch, 4 no such user");
    CLI::App* list = app.add_subcommand("list", "List users with their hash algorithm and parameters");
    CLI::App* upgrade = app.add_subcommand("upgrade", "Hash plain-text lines; leave hashed lines alone");
    CLI::App* import = app.add_subcommand("import", "Set many users from user:password lines, CSV or JSON Lines");
    CLI::App* check = app.add_subcommand("check", "Find what a broker would reject or warn about: exit 0 clean, 1 not");
    for (CLI::App* command : {set, remove, verify, list, upgrade, import, check}) {
        command->fallthrough();
        command->add_option("PWFILE", options.pwfile, "The password file")->required();
    }
    for (CLI::App* command : {set, verify}) {
        command->add_option("USER", user, "The username")->required();
        password_options.push_back(command->add_option("PASSWORD", password, "The password (only with -b)"));
        add_password_options(*command, flags, command == set);
    }
    remove->add_option("USER", options.users, "Usernames to remove")->required();
    remove->add_flag("--missing-ok", options.missing_ok, "Ignore users that are not in the file");
    import->add_option("SOURCE", options.source, "The records: a file, a pipe, /dev/fd/N, or - for stdin (default)");
    import->add_option("--format", options.format, "lines, csv or jsonl (default: guessed from the content)")
        ->option_text("FORMAT");
    import->add_flag("--prune", options.prune, "Remove users that are not in SOURCE");
    import->add_flag("--skip-invalid", options.skip_invalid, "Import the valid records and list the others");
    import->add_option("-j,--jobs", options.jobs, "Hashing threads (default: one per CPU)")->option_text("N");
    check->add_option("--conf", options.conf, "The mosquitto.conf that should name PWFILE (and its broker's user)")
        ->option_text("CONF");
    CLI::App* broker =
        app.add_subcommand("broker", "Point mosquitto.conf at a password file, or reload the running broker");
    broker->require_subcommand(1);
    broker->fallthrough();  // global options after `broker reload` reach the top level
    CLI::App* reload = broker->add_subcommand("reload", "Check the password files, then make the broker re-read them");
    reload->fallthrough();
    reload->add_option("--conf", options.conf, "The broker's configuration (default /etc/mosquitto/mosquitto.conf)")
        ->option_text("CONF");
    reload->add_option("--pid", options.pid, "The broker's process (default: CONF's pid_file, then systemd)")
        ->option_text("PID");
    CLI::App* enable = broker->add_subcommand("enable", "Make mosquitto.conf check clients against PWFILE");
    enable->fallthrough();
    enable->add_option("--conf", options.conf, "The broker's configuration (default /etc/mosquitto/mosquitto.conf)")
        ->option_text("CONF");
    enable->add_option("--pwfile", options.pwfile, "The password file the broker should use")
        ->option_text("PWFILE")
        ->required();
    enable->add_flag("--no-anonymous", options.no_anonymous, "Also make sure allow_anonymous false applies");
    enable->add_flag("--replace", options.replace, "Repoint a password_file that names another file");
    enable->add_option("--listener", options.listeners, "With per_listener_settings: only this port (repeatable)")
        ->option_text("PORT");
    enable->add_flag("--fix-permissions", options.fix_permissions,
                     "Give PWFILE to the broker's user if it cannot read it");
    std::string reload_conf;
    std::vector<CLI::Option*> reload_flags;
    for (CLI::App* command : {set, remove, import, upgrade}) {
        // A flag, so `--reload PWFILE` never swallows the file name; CONF needs '='.
        reload_flags.push_back(command->add_flag("--reload{/etc/mosquitto/mosquitto.conf}", reload_conf,
                                                 "Then reload the broker (CONF: /etc/mosquitto/mosquitto.conf)"));
        reload_flags.back()->option_text("[=CONF]");
    }

    describe_for_help(app);

    std::reverse(args.begin(), args.end());  // CLI11 consumes a vector from its back
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp&) {
        parsed.help = app.help();
    } catch (const CLI::CallForVersion& version) {
        parsed.help = version.what();
    } catch (const CLI::ParseError& error) {
        throw Error(ExitCode::usage, error.what());
    }
    for (auto& arg : args) {
        wipe(arg);
    }
    if (parsed.help) {
        return parsed;
    }
    const std::pair<CLI::App*, Command> commands[] = {
        {set, Command::set},     {remove, Command::remove},        {verify, Command::verify},
        {list, Command::list},   {upgrade, Command::upgrade},      {import, Command::import},
        {check, Command::check}, {reload, Command::broker_reload}, {enable, Command::broker_enable}};
    for (const auto& [command, kind] : commands) {
        if (command->parsed()) {
            options.command = kind;
        }
    }
    if (!user.empty() || options.command == Command::set || options.command == Command::verify) {
        options.users = {user};
    }
    const bool has_password = std::any_of(password_options.begin(), password_options.end(),
                                          [](const CLI::Option* option) { return option->count() > 0; });
    for (const CLI::Option* flag : reload_flags) {
        if (flag->count() > 0) {
            options.reload = reload_conf;
        }
    }
    options.password_source = choose_source(flags, has_password);
    options.password_argument = password;
    check_values(options);
    return parsed;
}

}  // namespace mqpasswd::cli
