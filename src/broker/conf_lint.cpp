// The rules are the broker's own (shared/facts/brokers-as-deployed.md: local only mode, duplicate
// options), checked against Mosquitto 2.0.11, 2.0.21 and 2.1.2.
#include "broker/conf_lint.hpp"

#include "broker/conf_scopes.hpp"
#include "core/fs/file_snapshot.hpp"

#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

// Each scope holds one password_file: 2.0 stops at a second ("Duplicate password_file value in
// configuration"), 2.1 keeps the last, so an earlier one that names another file is ignored.
void find_duplicates(const ConfScopes& scopes, const MosquittoConf& conf, const BrokerTarget& broker,
                     std::vector<Finding>& findings) {
    for (const auto& scope : scopes.security_scopes(conf)) {
        const ConfOption* first = nullptr;
        for (const ConfOption* option : scope) {
            if (option->key != "password_file") {
                continue;
            }
            if (first == nullptr) {
                first = option;
            } else if (broker.version == BrokerVersion::v2_0) {
                findings.push_back({Severity::error, 0,
                                    location(*option) + ": a second password_file (the first is at " +
                                        location(*first) +
                                        "): a 2.0 broker refuses to start (\"Duplicate password_file value\")"});
            } else if (resolved_path(option->value) != resolved_path(first->value)) {
                findings.push_back({Severity::warning, 0,
                                    location(*option) + ": a second password_file (the first is at " +
                                        location(*first) + "): a 2.1 broker uses only this one"});
            }
        }
    }
}

// A configuration file or include_dir that a user other than root (and us) owns, or that its group
// or everyone may write: whoever can write it decides what the broker accepts.
std::optional<std::string> open_to_others(const std::string& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
        return std::nullopt;
    }
    const bool foreign_owner = info.st_uid != 0 && info.st_uid != ::geteuid();
    const bool group_writable = (info.st_mode & S_IWGRP) != 0 && info.st_gid != 0;
    if (foreign_owner || group_writable || (info.st_mode & S_IWOTH) != 0) {
        return path + " can be changed by " +
               (foreign_owner ? "uid " + std::to_string(info.st_uid) + ", its owner"
                              : std::string((info.st_mode & S_IWOTH) != 0 ? "every user" : "its group")) +
               ": whoever can write it decides what the broker accepts";
    }
    return std::nullopt;
}

}  // namespace

std::vector<Finding> writable_by_others(const MosquittoConf& conf) {
    std::set<std::string> paths = {conf.path};
    for (const auto& option : conf.options) {
        paths.insert(option.file);
        if (option.key == "include_dir") {
            paths.insert(option.value);
        }
    }
    std::vector<Finding> findings;
    for (const auto& path : paths) {
        if (const auto problem = open_to_others(path)) {
            findings.push_back({Severity::warning, 0, *problem});
        }
    }
    return findings;
}

// 2.1 refuses these before the first listener ("requires a listener to be defined first"),
// the security ones only under per_listener_settings; checked on 2.1.2.
void find_options_needing_a_listener(const MosquittoConf& conf, std::vector<Finding>& findings) {
    static const std::set<std::string, std::less<>> listener_only = {"mount_point",
                                                                     "cafile",
                                                                     "http_dir",
                                                                     "tls_version",
                                                                     "listener_allow_anonymous",
                                                                     "max_topic_alias",
                                                                     "enable_proxy_protocol",
                                                                     "accept_protocol_versions"};
    static const std::set<std::string, std::less<>> per_listener_only = {
        "password_file", "allow_anonymous", "psk_file", "acl_file", "plugin", "auth_plugin", "auto_id_prefix"};
    bool per_listener = false;
    for (const auto& option : conf.options) {
        if (option.key == "listener") {
            return;
        }
        per_listener = option.key == "per_listener_settings" ? option.value == "true" : per_listener;
        if (listener_only.contains(option.key) || (per_listener && per_listener_only.contains(option.key))) {
            findings.push_back({Severity::error, 0,
                                location(option) + ": " + option.key +
                                    " before the first listener: a 2.1 broker refuses to start (\"requires a "
                                    "listener to be defined first\")"});
        }
    }
}

std::vector<Finding> start_problems(const MosquittoConf& conf, const BrokerTarget& broker) {
    std::vector<Finding> findings;
    if (broker.version == BrokerVersion::v2_1) {
        find_options_needing_a_listener(conf, findings);
    }
    for (const auto& option : conf.options) {
        if (!is_option_name(option.key)) {
            findings.push_back({Severity::error, 0,
                                location(option) + ": the broker reads '" + option.key +
                                    "' as an option's name and refuses to start (\"Unknown configuration "
                                    "variable\"): it splits lines at spaces only, not tabs, and a comment's '#' must "
                                    "be the first character of its line"});
        }
    }
    find_duplicates(conf_scopes(conf), conf, broker, findings);
    return findings;
}

std::vector<Finding> lint_conf(const MosquittoConf& conf, const std::string& pwfile, const BrokerTarget& broker) {
    std::vector<Finding> findings;
    const auto settings = password_file_settings(conf);
    const std::string wanted = resolved_path(pwfile);
    if (settings.empty()) {
        findings.push_back({Severity::error, 0, conf.path + " has no password_file (or plugin_opt_password_file)"});
    }
    for (const ConfOption* setting : settings) {
        if (resolved_path(setting->value) != wanted) {
            findings.push_back(
                {Severity::error, 0, location(*setting) + " uses " + setting->value + ", not this file"});
        }
    }
    const auto at_start = start_problems(conf, broker);
    findings.insert(findings.end(), at_start.begin(), at_start.end());
    const auto open = writable_by_others(conf);
    findings.insert(findings.end(), open.begin(), open.end());
    if (conf_scopes(conf).local_only()) {
        findings.push_back({Severity::error, 0,
                            conf.path + " has no listener, so the broker runs in local only mode: only clients on "
                                        "this machine can connect (port 1883 on loopback), and Mosquitto 2.0.11 lets "
                                        "them in without a password whatever allow_anonymous says; add one with "
                                        "mqpasswd broker enable --listener PORT"});
    }
    return findings;
}

}  // namespace mqpasswd
