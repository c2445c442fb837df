// mqpasswd check PWFILE [--conf CONF]: a lint for what the broker will make of the file. Exit 0
// when there is nothing to report, 1 when there is, so scripts can gate a reload on it.
#include "broker/broker_version.hpp"
#include "broker/mosquitto_conf.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/pwfile/lint.hpp"

namespace mqpasswd::cli {
namespace {

// Findings about CONF: it must name this file. Also returns the broker's user it sets.
std::string lint_conf(const Options& options, std::vector<Finding>& findings) {
    const MosquittoConf conf = read_mosquitto_conf(options.conf);
    const auto settings = password_file_settings(conf);
    const std::string wanted = resolved_path(options.pwfile);
    if (settings.empty()) {
        findings.push_back({Severity::error, 0, options.conf + " has no password_file (or plugin_opt_password_file)"});
    }
    for (const ConfOption* setting : settings) {
        if (resolved_path(setting->value) != wanted) {
            findings.push_back(
                {Severity::error, 0,
                 setting->file + ":" + std::to_string(setting->line) + " uses " + setting->value + ", not this file"});
        }
    }
    return conf.broker_user();
}

}  // namespace

int run_check(const Options& options) {
    const ResolvedProfile profile = resolve_profile(options.broker_version, options.broker_argon2);
    std::vector<Finding> conf_findings;
    const std::string user = options.conf.empty() ? default_broker_user : lint_conf(options, conf_findings);
    std::vector<Finding> findings = lint_password_file(options.pwfile, profile.target, broker_account(user));
    findings.insert(findings.begin(), conf_findings.begin(), conf_findings.end());
    print_check(options, findings);
    return findings.empty() ? 0 : 1;
}

}  // namespace mqpasswd::cli
