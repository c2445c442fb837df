// mqpasswd broker enable: point mosquitto.conf at a password file the broker's user can read.
#include "broker/broker_version.hpp"
#include "broker/conf_enable.hpp"
#include "broker/reload.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"
#include "core/fs/safe_path.hpp"
#include "core/pwfile/lint.hpp"
#include "core/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace mqpasswd::cli {
namespace {

// The path to write into the configuration: resolved by the path policy (no untrusted link on the
// way, the file's own name not followed), and free of what would end or split a directive.
void refuse_control_characters(const std::string& path, const std::string& what) {
    for (const char c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            throw Error(ExitCode::usage,
                        "a control character (such as a newline) in " + what +
                            ", which mosquitto.conf would read as the end of the line; refusing",
                        printable(path));
        }
    }
}

// The password file's resolved path. It must exist, except on a dry run, which plans against the
// file a run before it would create (`--check` of a playbook whose earlier task adds the users):
// `missing` is then set, and the real run still refuses until the file is there.
std::string absolute_existing(const std::string& path, bool dry_run, bool& missing) {
    refuse_control_characters(path, "the path");
    const CheckedParent parent = open_checked_parent(path);
    // What is written is the resolved path: a relative one starts from the working directory,
    // whose name the owner of a directory above it may have chosen.
    refuse_control_characters(parent.resolved, "the resolved path");
    struct stat info {};
    const std::string create_first = "create it first: mqpasswd set --create " + path + " USER";
    missing = ::fstatat(parent.dir.get(), parent.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0;
    if (missing && !dry_run) {
        throw Error(ExitCode::failure, "no such file (" + create_first + ")", path);
    }
    if (!missing && !S_ISREG(info.st_mode)) {
        throw Error(ExitCode::failure, "not a regular file (a symbolic link is not followed: name its target)", path);
    }
    if (parent.resolved != trim(parent.resolved)) {
        throw Error(ExitCode::usage, "blanks at the start or end of the path, which mosquitto.conf trims; refusing",
                    path);
    }
    return parent.resolved;
}

// The broker's user must read the file, or the broker pointed at it runs with no users at all.
// Settled before the configuration is touched: with --fix-permissions the file is given to that
// user (not on a dry run); without it the command stops here, the configuration unchanged.
// Returns what was (or, on a dry run, would be) done to the file, "" for nothing.
std::string settle_permissions(const Options& options, const std::string& broker_user, const std::string& pwfile) {
    const auto account = broker_account(broker_user);
    if (!account) {
        return {};
    }
    struct stat info {};
    if (options.dry_run && ::lstat(pwfile.c_str(), &info) != 0) {
        return {};  // a dry run's missing file (absolute_existing noted it): nothing to check yet
    }
    const auto problem = readability_problem(pwfile, *account);
    if (!problem) {
        return {};
    }
    if (!options.fix_permissions) {
        throw Error(ExitCode::failure, *problem + " (or run again with --fix-permissions); nothing was changed",
                    pwfile);
    }
    const std::string done = "owned by " + account->name + ", mode 0600";
    if (options.dry_run) {
        return "would be " + done;
    }
    give_to_account(pwfile, *account);
    if (const auto left = readability_problem(pwfile, *account)) {
        throw Error(ExitCode::failure, *left + "; the configuration was not changed", pwfile);
    }
    return "now " + done;
}

// What enable is asked to do; for a 2.1 broker, the password-file plugin when this host has one.
EnableRequest enable_request(const Options& options, const BrokerTarget& broker, std::vector<std::string>& notes) {
    EnableRequest request;
    request.conf = options.conf.empty() ? default_mosquitto_conf : options.conf;
    bool missing = false;
    request.pwfile = absolute_existing(options.pwfile, options.dry_run, missing);
    if (missing) {
        notes.push_back(printable(request.pwfile) +
                        " does not exist yet: planned as if it did; a run without --dry-run refuses until it does "
                        "(mqpasswd set --create " +
                        printable(options.pwfile) + " USER)");
    }
    request.no_anonymous = options.no_anonymous;
    request.replace = options.replace;
    request.listeners = options.listeners;
    request.bind = options.bind;
    if (broker.version == BrokerVersion::v2_1) {
        if (const auto plugin = find_password_file_plugin()) {
            request.password_plugin = *plugin;
        } else {
            notes.emplace_back("no mosquitto_password_file.so found beside the broker: writing password_file, "
                               "which 2.1 still reads (deprecated, to be removed in 3.0)");
        }
    }
    return request;
}

}  // namespace

int run_broker_enable(const Options& options) {
    const ResolvedProfile profile = resolve_profile(options.broker_version, "auto", detection_cache(options));
    std::vector<std::string> notes;
    const EnableRequest request = enable_request(options, profile.target, notes);
    EnablePlan plan = plan_enable(request, profile.target);
    plan.notes.insert(plan.notes.begin(), notes.begin(), notes.end());
    const std::string permissions = settle_permissions(options, plan.broker_user, request.pwfile);
    if (!options.dry_run) {
        try {
            apply_enable(plan);
        } catch (const Error& error) {
            if (permissions.empty()) {
                throw;
            }
            // The file's new owner stays: it is what the broker needs, and no configuration names it yet.
            throw Error(error.code(),
                        error.message() + "; " + request.pwfile + " is " + permissions + " (--fix-permissions)",
                        error.path(), error.line(), error.errno_value());
        }
    }
    print_enable_plan(options, request.conf, plan, request.pwfile, permissions);
    return 0;
}

}  // namespace mqpasswd::cli
