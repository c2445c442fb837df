// Steps several commands share: choosing the hash to write, reading the password.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/terminal_prompt.hpp"
#include "core/error.hpp"
#include "core/fs/file_owner.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/input/password_source.hpp"
#include "core/pwfile/password.hpp"
#include "core/pwfile/username.hpp"

namespace mqpasswd::cli {

DetectionCache detection_cache(const Options& options) {
    return options.dry_run ? DetectionCache::read_only : DetectionCache::read_write;
}

WriteTarget resolve_target(const Options& options) {
    HashRequest request;
    if (!options.hash.empty()) {
        request.algorithm = algorithm_from_name(options.hash);
        if (!request.algorithm) {
            throw Error(ExitCode::usage, "unknown hash '" + options.hash + "' (use argon2id, sha512-pbkdf2 or sha512)");
        }
    }
    if (options.iterations) {
        request.iterations = static_cast<std::uint32_t>(*options.iterations);
    }
    const ResolvedProfile profile =
        resolve_profile(options.broker_version, options.broker_argon2, detection_cache(options));
    return WriteTarget{target_spec(profile.target, request, profile.reason), profile.target, profile.reason};
}

void check_target_before_reading(const Options& options) {
    PathTrust trust;
    if (options.create) {
        trust.file_owner = new_file_ownership(options.new_owner).uid;  // and unknown accounts fail now
    }
    check_writable_target(options.pwfile, options.create, trust);
}

UpdateOptions update_options(const Options& options) {
    UpdateOptions update;
    update.create = options.create;
    update.dry_run = options.dry_run;
    update.force = options.force;
    update.new_owner = options.new_owner;
    return update;
}

Secret obtain_password(Options& options, bool confirm) {
    Secret password;
    if (options.password_source.kind == PasswordSourceKind::argument) {
        password = Secret::copy_of(options.password_argument);
        wipe(options.password_argument);
        print_warning("a password on the command line can be seen by other users (ps, /proc); "
                      "prefer --stdin, --password-fd or the prompt");
    } else if (options.password_source.kind == PasswordSourceKind::prompt) {
        password = prompt_password(confirm);
    } else {
        password = read_password(options.password_source);
    }
    if (const auto problem = password_problem(password)) {
        throw Error(ExitCode::failure, *problem);
    }
    return password;
}

int finish_update(const Options& options, UpdateSummary summary) {
    const ReloadOutcome reload = reload_after_write(options, summary.result.written);
    summary.reload = &reload;
    return print_update(options, summary);
}

int run_command(Options& options) {
    switch (options.command) {
    case Command::set:
        return run_set(options);
    case Command::delete_users:
        return run_delete(options);
    case Command::verify:
        return run_verify(options);
    case Command::list:
        return run_list(options);
    case Command::upgrade:
        return run_upgrade(options);
    case Command::import:
        return run_import(options);
    case Command::check:
        return run_check(options);
    case Command::broker_reload:
        return run_broker_reload(options);
    case Command::broker_enable:
        return run_broker_enable(options);
    case Command::dynsec_export:
        return run_dynsec_export(options);
    case Command::dynsec_import:
        return run_dynsec_import(options);
    }
    return static_cast<int>(ExitCode::usage);
}

}  // namespace mqpasswd::cli
