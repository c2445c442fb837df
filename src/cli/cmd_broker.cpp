// mqpasswd broker reload, and --reload after a write.
#include "broker/broker_version.hpp"
#include "broker/reload.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"

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
