// mqpasswd check PWFILE [--conf CONF]: a lint for what the broker will make of the file. Exit 0
// when there is nothing to report, 1 when there is, so scripts can gate a reload on it.
#include "broker/broker_version.hpp"
#include "broker/mosquitto_conf.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/output.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/pwfile/lint.hpp"

#include <climits>

#include <cstdlib>
#include <iostream>

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

void print_findings(const Options& options, const std::vector<Finding>& findings) {
    std::size_t errors = 0;
    for (const auto& finding : findings) {
        errors += finding.severity == Severity::error ? 1 : 0;
    }
    const std::size_t warnings = findings.size() - errors;
    if (options.json) {
        JsonArray list;
        for (const auto& finding : findings) {
            list.add(JsonObject()
                         .field("severity", finding.severity == Severity::error ? "error" : "warning")
                         .field("line", static_cast<unsigned long long>(finding.line))
                         .field("message", finding.message)
                         .str());
        }
        std::cout << JsonObject()
                         .field("file", options.pwfile)
                         .field("clean", findings.empty())
                         .field("errors", static_cast<unsigned long long>(errors))
                         .field("warnings", static_cast<unsigned long long>(warnings))
                         .raw("findings", list.str())
                         .field("exit_code", static_cast<unsigned long long>(findings.empty() ? 0 : 1))
                         .str()
                  << '\n';
        return;
    }
    for (const auto& finding : findings) {
        std::cout << printable(options.pwfile) << (finding.line != 0 ? ":" + std::to_string(finding.line) : "")
                  << (finding.severity == Severity::error ? ": error: " : ": warning: ") << printable(finding.message)
                  << '\n';
    }
    if (!options.quiet) {
        std::cout << printable(options.pwfile) << ": "
                  << (findings.empty() ? "no problems found"
                                       : std::to_string(errors) + " errors, " + std::to_string(warnings) + " warnings")
                  << '\n';
    }
}

}  // namespace

int run_check(const Options& options) {
    const ResolvedProfile profile = resolve_profile(options.broker_version, options.broker_argon2);
    std::vector<Finding> conf_findings;
    const std::string user = options.conf.empty() ? default_broker_user : lint_conf(options, conf_findings);
    std::vector<Finding> findings = lint_password_file(options.pwfile, profile.target, broker_account(user));
    findings.insert(findings.begin(), conf_findings.begin(), conf_findings.end());
    print_findings(options, findings);
    return findings.empty() ? 0 : 1;
}

}  // namespace mqpasswd::cli
