// mqpasswd check PWFILE [--conf CONF]: a lint for what the broker will make of the file. Exit 0
// when there is nothing to report, 1 when there is, so scripts can gate a reload on it.
#include "broker/broker_version.hpp"
#include "broker/conf_lint.hpp"
#include "broker/mosquitto_conf.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/pwfile/lint.hpp"

namespace mqpasswd::cli {
int run_check(const Options& options) {
    const ResolvedProfile profile =
        resolve_profile(options.broker_version, options.broker_argon2, detection_cache(options));
    std::vector<Finding> conf_findings;
    std::string user = default_broker_user;
    if (!options.conf.empty()) {
        const MosquittoConf conf = read_mosquitto_conf(options.conf);
        conf_findings = lint_conf(conf, options.pwfile, profile.target);
        user = conf.broker_user();
    }
    std::vector<Finding> findings = lint_password_file(options.pwfile, profile.target, broker_account(user));
    findings.insert(findings.begin(), conf_findings.begin(), conf_findings.end());
    print_check(options, findings);
    return findings.empty() ? 0 : 1;
}

}  // namespace mqpasswd::cli
