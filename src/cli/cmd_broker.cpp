// mqpasswd broker reload, and --reload after a write.
#include "broker/broker_version.hpp"
#include "broker/conf_enable.hpp"
#include "broker/reload.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/output.hpp"
#include "core/diff.hpp"
#include "core/error.hpp"
#include "core/lint.hpp"

#include <cstdlib>
#include <iostream>

namespace mqpasswd::cli {
namespace {

ReloadRequest request_for(const Options& options, const std::string& conf) {
    ReloadRequest request;
    request.conf = conf.empty() ? default_mosquitto_conf : conf;
    if (options.pid) {
        request.pid = static_cast<pid_t>(*options.pid);
    }
    request.pwfile = options.pwfile;
    request.broker = resolve_profile(options.broker_version).version;
    return request;
}

}  // namespace

int run_broker_reload(const Options& options) {
    const ReloadResult result = reload_broker(request_for(options, options.conf));
    if (options.json) {
        std::cout << JsonObject().field("reloaded", true).field("how", result.how).str() << '\n';
    } else if (!options.quiet) {
        std::cout << "reloaded: " << result.how << '\n';
    }
    return 0;
}

void reload_after_write(const Options& options, bool written) {
    if (!options.reload || !written) {
        return;
    }
    try {
        const ReloadResult result = reload_broker(request_for(options, *options.reload));
        if (!options.quiet) {
            std::cerr << "mqpasswd: reloaded: " << result.how << '\n';
        }
    } catch (const Error& error) {
        throw Error(error.code(), describe(error) + " (the password file itself was updated)", options.pwfile);
    }
}

}  // namespace mqpasswd::cli

namespace mqpasswd::cli {
namespace {

std::string absolute_existing(const std::string& path) {
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) {
        throw Error(ExitCode::failure, "no such file (create it first: mqpasswd set --create " + path + " USER)", path);
    }
    std::string result = real;
    std::free(real);
    return result;
}

// The broker's user must read the file; returns the problem left, if any.
std::optional<std::string> settle_permissions(const Options& options, const std::string& broker_user,
                                              const std::string& pwfile) {
    const auto account = broker_account(broker_user);
    if (!account) {
        return std::nullopt;
    }
    auto problem = readability_problem(pwfile, *account);
    if (problem && options.fix_permissions && !options.dry_run) {
        give_to_account(pwfile, *account);
        problem = readability_problem(pwfile, *account);
        if (!problem && !options.quiet && !options.json) {
            std::cout << pwfile << ": now owned by " << account->name << ", mode 0600\n";
        }
    }
    return problem;
}

void print_plan(const Options& options, const std::string& conf, const EnablePlan& plan) {
    if (options.json) {
        JsonArray actions;
        for (const auto& action : plan.actions) {
            actions.add_string(action);
        }
        JsonArray files;
        std::string diff;
        for (const auto& change : plan.changes) {
            files.add_string(change.path);
            diff +=
                unified_diff(line_diff(split_text_lines(change.before.value_or("")), split_text_lines(change.after)),
                             change.before ? change.path : "/dev/null", change.path + " (new)");
        }
        JsonObject object;
        object.field("conf", conf).field("changed", !plan.changes.empty()).field("dry_run", options.dry_run);
        object.raw("files", files.str()).raw("actions", actions.str());
        if (options.dry_run) {
            object.field("diff", diff);
        }
        std::cout << object.str() << '\n';
        return;
    }
    if (options.quiet) {
        return;
    }
    if (plan.changes.empty()) {
        std::cout << conf << ": already set up for this password file; nothing to change\n";
        return;
    }
    for (const auto& action : plan.actions) {
        std::cout << (options.dry_run ? "would set " : "set ") << action << '\n';
    }
    if (options.dry_run) {
        for (const auto& change : plan.changes) {
            std::cout << unified_diff(
                line_diff(split_text_lines(change.before.value_or("")), split_text_lines(change.after)),
                change.before ? change.path : "/dev/null", change.path + " (new)");
        }
        std::cout << "dry run: nothing was written\n";
    } else {
        std::cout << "reload the broker to apply: mqpasswd broker reload --conf " << conf << '\n';
    }
}

}  // namespace

int run_broker_enable(const Options& options) {
    const std::string conf = options.conf.empty() ? default_mosquitto_conf : options.conf;
    EnableRequest request{conf, absolute_existing(options.pwfile), options.no_anonymous, options.replace,
                          options.listeners};
    const EnablePlan plan = plan_enable(request);
    if (!options.dry_run) {
        apply_enable(plan);
    }
    print_plan(options, conf, plan);
    if (const auto problem = settle_permissions(options, plan.broker_user, request.pwfile)) {
        throw Error(ExitCode::failure, *problem + " (or run again with --fix-permissions)", request.pwfile);
    }
    return 0;
}

}  // namespace mqpasswd::cli
