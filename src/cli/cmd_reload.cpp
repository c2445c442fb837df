// mqpasswd broker reload, and the --reload of set, delete, import and upgrade.
#include "broker/broker_version.hpp"
#include "broker/reload.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"

namespace mqpasswd::cli {
namespace {

ReloadRequest request_for(const Options& options) {
    ReloadRequest request;
    request.conf = options.conf.empty() ? default_mosquitto_conf : options.conf;
    if (options.pid) {
        request.pid = static_cast<pid_t>(*options.pid);
    }
    request.pwfile = options.pwfile;
    request.broker = resolve_profile(options.broker_version, options.broker_argon2, detection_cache(options)).target;
    request.dry_run = options.dry_run;
    return request;
}

}  // namespace

int run_broker_reload(const Options& options) {
    print_broker_reload(options, reload_broker(request_for(options)));
    return 0;
}

void check_reload_before_write(const Options& options) {
    if (!options.reload) {
        return;
    }
    try {
        check_reload_possible(request_for(options));
    } catch (const Error& error) {
        throw Error(error.code(), describe(error) + "; nothing was written", options.pwfile);
    }
}

ReloadOutcome reload_after_write(const Options& options, bool written) {
    ReloadOutcome outcome;
    outcome.requested = options.reload;
    if (!options.reload) {
        return outcome;
    }
    if (!written && !options.dry_run) {
        outcome.problem = "nothing was written (mqpasswd broker reload reloads it anyway)";
        return outcome;
    }
    try {
        // A dry run checks the configuration and finds the broker as the real run would (against
        // the file as it is now), and signals nothing.
        outcome.how = reload_broker(request_for(options)).how;
        outcome.reloaded = !options.dry_run;
    } catch (const Error& error) {
        outcome.problem = describe(error);
        outcome.failed = true;
    }
    return outcome;
}

}  // namespace mqpasswd::cli
