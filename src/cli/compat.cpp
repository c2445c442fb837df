// Each mode does what Mosquitto 2.1.2's mosquitto_passwd does and prints what it prints, except
// where the real tool destroys data (facts: mosquitto_passwd-2.1.2.md): lines it calls corrupt are
// kept, -U leaves hashed lines alone, and every write is the atomic, locked one of DESIGN §6.
#include "cli/compat.hpp"

#include "broker/broker_version.hpp"
#include "broker/reload.hpp"
#include "cli/command_line.hpp"
#include "cli/compat_args.hpp"
#include "cli/compat_checks.hpp"
#include "cli/compat_prompt.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"
#include "core/pwfile/legacy_scan.hpp"
#include "core/pwfile/update.hpp"

#include <cstdlib>
#include <optional>

namespace mqpasswd::cli {
namespace {

// What one run prints and returns; printed once at the end, stdout first.
struct Outcome {
    int code = 0;
    std::string out;
    std::string err;
    std::string written;  // the password file replaced, for MQPASSWD_RELOAD
};

// MQPASSWD_RELOAD=CONF: the compat command line cannot take --reload, the environment can.
void reload_if_asked(Outcome& outcome) {
    const char* conf = std::getenv("MQPASSWD_RELOAD");
    if (conf == nullptr || *conf == '\0' || outcome.code != 0 || outcome.written.empty()) {
        return;
    }
    ReloadRequest request;
    request.conf = conf;
    request.pwfile = outcome.written;
    request.broker = compat_profile().target;
    try {
        (void)reload_broker(request);
    } catch (const Error& error) {
        // describe() names what mosquitto.conf named (a pid_file, an included file): printable.
        outcome.err += "Error: " + printable(describe(error)) + ". The password file was updated.\n";
        outcome.code = 1;
    }
}

int emit(const Outcome& outcome) {
    print_compat(outcome.out, outcome.err);
    return outcome.code;
}

UpdateOptions legacy_update(bool create) {
    UpdateOptions options;
    options.create = create;
    options.force = true;             // lines the real tool calls corrupt are kept, never refused
    options.allow_duplicates = true;  // the real tool never refuses a file for them
    return options;
}

std::string corrupt_line_error(std::size_t line) {
    return "Error: Corrupt password file at line " + std::to_string(line) + ".\n";
}

std::string user_line(const std::string& user, const char* verb) {
    return std::string(verb) + " password for user " + user + "\n";
}

Outcome run_create(const CompatRequest& request, const CompatFile& file, const std::string& hash) {
    if (request.use_stdout) {
        return {0, request.username + ":" + hash + "\n", {}, {}};
    }
    if (const auto problem = create_problem(file.path)) {
        return {1, {}, *problem, {}};
    }
    const UpdateResult result = update_password_file(file.path, legacy_update(true), [&](PwFile& pwfile) {
        pwfile.clear();
        pwfile.set(request.username, hash);
        return EditReport{{{request.username, Action::added}}, {}};
    });
    return {0, user_line(request.username, "Adding"), {}, result.written ? file.path : std::string()};
}

Outcome run_add(const CompatRequest& request, const CompatFile& file, const std::string& hash) {
    Outcome outcome;
    const UpdateResult result = update_password_file(file.path, legacy_update(false), [&](PwFile& pwfile) {
        const LegacyScan scan = legacy_scan(pwfile, request.username);
        if (scan.corrupt_line != 0) {
            outcome.err += corrupt_line_error(scan.corrupt_line);
            if (scan.user_seen) {  // the real tool fails here and changes nothing
                outcome.out += user_line(request.username, "Updating");
                outcome.code = 1;
                return EditReport{};
            }
        }
        outcome.out += user_line(request.username, scan.user_seen ? "Updating" : "Adding");
        const bool existed = pwfile.find(request.username) != PwFile::npos;
        pwfile.always_end_new_lines_with_lf();
        pwfile.set(request.username, hash);
        return EditReport{{{request.username, existed ? Action::updated : Action::added}}, {}};
    });
    outcome.written = result.written ? file.path : std::string();
    return outcome;
}

Outcome run_remove(const CompatRequest& request, const CompatFile& file) {
    Outcome outcome;
    const UpdateResult result = update_password_file(file.path, legacy_update(false), [&](PwFile& pwfile) {
        const LegacyScan scan = legacy_scan(pwfile, request.username);
        if (scan.corrupt_line != 0) {
            outcome.err += corrupt_line_error(scan.corrupt_line);
            outcome.code = 1;
        }
        if (!scan.user_seen) {
            outcome.err += "Warning: User " + request.username + " not found in password file.\n";
            outcome.code = 1;
        }
        if (outcome.code != 0) {
            return EditReport{};
        }
        pwfile.remove(request.username);
        return EditReport{{{request.username, Action::removed}}, {}};
    });
    outcome.written = result.written ? file.path : std::string();
    return outcome;
}

// `cannot_hash`: -H argon2id for a broker without libargon2, where the real tool fails at the
// first line it hashes (status 10) unless that line is corrupt.
Outcome run_upgrade(const CompatFile& file, const HashSpec& spec, bool cannot_hash) {
    Outcome outcome;
    const UpdateResult result = update_password_file(file.path, legacy_update(false), [&](PwFile& pwfile) {
        if (pwfile.lines().empty()) {
            outcome.code = 1;  // the real tool's "nothing processed" status leaks out, with no message
            return EditReport{};
        }
        const LegacyScan scan = legacy_scan(pwfile, {});
        if (cannot_hash && scan.corrupt_line != 1) {
            outcome.err = "Error: Unable to hash password.\n";
            outcome.code = 10;
            return EditReport{};
        }
        if (scan.corrupt_line != 0) {
            outcome.err += corrupt_line_error(scan.corrupt_line);
            outcome.code = 1;
            return EditReport{};
        }
        pwfile.always_end_new_lines_with_lf();
        return upgrade_plain_text(pwfile, spec);
    });
    outcome.written = result.written ? file.path : std::string();
    return outcome;
}

// -H argon2id for a broker without libargon2: what 2.1's tool built so prints and returns (its
// "Adding"/"Updating" line, then the error, status 10, MOSQ_ERR_NOT_SUPPORTED). It leaves an empty
// file behind for -c; here the file is left as it was.
Outcome cannot_hash(const CompatRequest& request, const CompatFile& file) {
    Outcome outcome{10, {}, "Error: Unable to hash password.\n", {}};
    if (request.use_stdout) {
        return outcome;
    }
    if (request.mode == CompatMode::create) {
        if (const auto problem = create_problem(file.path)) {  // it opens the file before it hashes
            return {1, {}, *problem, {}};
        }
        outcome.out = user_line(request.username, "Adding");
        return outcome;
    }
    (void)update_password_file(file.path, legacy_update(false), [&](PwFile& pwfile) {
        const LegacyScan scan = legacy_scan(pwfile, request.username);
        outcome.out = user_line(request.username, scan.user_seen ? "Updating" : "Adding");
        if (scan.corrupt_line != 0 && !scan.user_seen) {
            outcome.err = corrupt_line_error(scan.corrupt_line) + outcome.err;  // reported, then the add fails
        }
        return EditReport{};  // the user's own line is hashed first and fails there: no corrupt line reached
    });
    return outcome;
}

// The password from -b or the prompt; a non-zero code is the prompt's failure, to print as is.
CompatPassword obtain_password(CompatRequest& request) {
    if (!request.batch) {
        return compat_prompt();
    }
    CompatPassword given;
    given.password = Secret::copy_of(request.password);
    wipe(request.password);
    return given;
}

// The real tool's checks before it hashes, in its order: username, password length, the path,
// then (not for -c, which creates it) the file opened. Returns the failure, if there is one.
std::optional<Outcome> refusal(const CompatRequest& request, CompatFile& file) {
    if (request.mode != CompatMode::upgrade) {
        if (auto problem = compat_username_problem(request.username)) {
            return Outcome{1, {}, *problem, {}};
        }
    }
    if (request.batch && request.password.size() > 65535) {
        return Outcome{1, {}, "Error: Password must be less than 65536 characters long.\n", {}};
    }
    if (!request.use_stdout) {
        file = resolve_compat_path(request.pwfile);
        if (!file.error.empty()) {
            return Outcome{1, {}, file.error, {}};
        }
    }
    if (request.mode != CompatMode::create) {
        if (std::string problem = open_existing(file); !file.usable) {
            return Outcome{1, {}, problem, {}};
        }
    }
    return std::nullopt;
}

// -c and the add mode: the password (-b or the prompt), hashed once, then the edit.
Outcome run_with_password(CompatRequest& request, const CompatFile& file, const CompatHashTarget& target) {
    CompatPassword typed = obtain_password(request);
    if (typed.code != 0) {
        return {typed.code, {}, typed.error, {}};
    }
    if (target.cannot_hash) {
        return cannot_hash(request, file);
    }
    std::string hash;
    try {
        hash = make_hash(target.spec, typed.password);
    } catch (const Error&) {
        return {1, {}, "Error: Unable to hash password.\n", {}};
    }
    return request.mode == CompatMode::create ? run_create(request, file, hash) : run_add(request, file, hash);
}

// Everything after the argument checks, in the real tool's order: refusal()'s checks, then (-c:
// prompt, open) or (open, prompt), then the edit.
Outcome run_request(CompatRequest& request) {
    CompatFile file;
    if (auto refused = refusal(request, file)) {
        return *std::move(refused);
    }
    if (request.mode == CompatMode::remove) {
        return run_remove(request, file);
    }
    const auto target = compat_target(request);
    if (!target.error.empty()) {
        return {1, {}, target.error, {}};
    }
    if (request.mode == CompatMode::upgrade) {
        return run_upgrade(file, target.spec, target.cannot_hash);
    }
    return run_with_password(request, file, target);
}

}  // namespace

int run_compat(const std::vector<std::string>& args, std::span<char*> process_argv) {
    auto parsed = parse_compat_args(args);
    if (auto* exit = std::get_if<CompatExit>(&parsed)) {
        return emit({exit->code, exit->out, exit->err, {}});
    }
    auto& request = std::get<CompatRequest>(parsed);
    const WipeOnExit wipe_password(request.password);
    if (request.batch) {
        clear_from_argv(process_argv, request.password);  // before any work, as the native front does
    }
    try {
        Outcome outcome = run_request(request);
        reload_if_asked(outcome);
        return emit(outcome);
    } catch (const Error& error) {
        // Failures the real tool has no message for (a lock held too long, a full disk): its
        // style, our words. The file is unchanged whenever this is reached.
        return emit({1, {}, "Error: " + printable(describe(error)) + ".\n", {}});
    }
}

}  // namespace mqpasswd::cli
