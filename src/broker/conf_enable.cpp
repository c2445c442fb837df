// Where the lines go follows the broker's rules (shared/facts/pwfile-format.md §6.3): without
// per_listener_settings the options are global, so a snippet in the main file's include_dir
// (Debian's /etc/mosquitto/conf.d) or an addition at the end of CONF works; with it, each
// listener block needs its own lines, right after its `listener` line. A listener that is added
// goes at the very end of CONF, the last thing the broker reads, so no later option falls into it.
#include "broker/conf_enable.hpp"

#include "broker/conf_lint.hpp"
#include "broker/conf_scopes.hpp"
#include "broker/mosquitto_conf.hpp"
#include "broker/test_config.hpp"
#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/text_file.hpp"
#include "core/pwfile/diff.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace mqpasswd {
namespace {

constexpr const char* snippet_name = "mqpasswd.conf";
constexpr const char* marker =
    "# Added by mqpasswd broker enable: clients log in with the users of this password file.";
constexpr const char* listener_marker = "# Added by mqpasswd broker enable: a port clients log in on.";

// The pending edits of one file, by 1-based line.
struct FileEdits {
    std::optional<std::string> before;
    std::map<std::size_t, std::string> replace;
    std::map<std::size_t, std::vector<std::string>> insert_after;
    std::vector<std::string> append;
};

std::string render(const FileEdits& edits) {
    const std::vector<std::string> lines = split_text_lines(edits.before.value_or(""));
    std::string out;
    for (std::size_t i = 1; i <= lines.size(); ++i) {
        const auto replaced = edits.replace.find(i);
        out += (replaced != edits.replace.end() ? replaced->second : lines[i - 1]) + '\n';
        if (const auto inserted = edits.insert_after.find(i); inserted != edits.insert_after.end()) {
            for (const auto& line : inserted->second) {
                out += line + '\n';
            }
        }
    }
    for (const auto& line : edits.append) {
        out += line + '\n';
    }
    // A file that did not end in a newline keeps that, when nothing was added at its end.
    if (edits.append.empty() && edits.before && !edits.before->empty() && edits.before->back() != '\n') {
        out.pop_back();
    }
    return out;
}

// The ports asked for as numbers write them ("09999" is 9999), and an address that stays one word
// on the line and is one the broker can resolve (an IPv6 address without brackets).
std::vector<std::string> checked_ports(const EnableRequest& request) {
    std::vector<std::string> ports;
    for (const auto& port : request.listeners) {
        const auto number = port_number(port);
        if (!number || *number == 0) {
            throw Error(ExitCode::usage, "--listener takes a port from 1 to 65535, not '" + port + "'");
        }
        ports.push_back(std::to_string(*number));
    }
    const bool one_word = std::none_of(request.bind.begin(), request.bind.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '#';
    });
    if (!one_word || request.bind.size() > 253) {
        throw Error(ExitCode::usage, "--bind takes one address or host name (at most 253 characters), without "
                                     "blanks or control characters");
    }
    if (request.bind.find_first_of("[]") != std::string::npos) {
        throw Error(ExitCode::usage, "--bind takes an IPv6 address without brackets (::1, not [::1]): the broker "
                                     "cannot resolve it with them");
    }
    if (!request.bind.empty() && request.listeners.empty()) {
        throw Error(ExitCode::usage, "--bind is the address of the listener --listener PORT adds; give --listener");
    }
    return ports;
}

bool same_port(std::string_view a, std::string_view b) {
    const auto x = port_number(a);
    return x ? x == port_number(b) : a == b;
}

bool port_in(const std::vector<std::string>& ports, std::string_view port) {
    return std::any_of(ports.begin(), ports.end(), [&](const std::string& each) { return same_port(each, port); });
}

// Where the broker already listens: each listener's port, 2.0's default listener's among them.
std::vector<std::string> listening_ports(const ConfScopes& scopes) {
    std::vector<std::string> ports;
    for (const auto& listener : scopes.open_listeners()) {
        ports.push_back(listener.port);
    }
    return ports;
}

class Planner {
public:
    Planner(const EnableRequest& request, const BrokerTarget& broker)
        : request_(request), broker_(broker), conf_(read_mosquitto_conf(request.conf)), scopes_(conf_scopes(conf_)) {}
    Planner(const Planner&) = delete;  // scopes_ points into conf_
    Planner& operator=(const Planner&) = delete;

    EnablePlan plan() {
        wanted_ = checked_ports(request_);
        const std::vector<std::string> added = ports_to_add();
        if (scopes_.local_only() && added.empty()) {
            refuse_or_note_local_only();
        }
        if (scopes_.per_listener_settings) {
            plan_listeners(added);
        } else {
            std::vector<const ConfOption*> all;
            for (const auto& option : conf_.options) {
                all.push_back(&option);
            }
            add_globally(settle(all, true));
        }
        add_listeners(added);
        return finish();
    }

private:
    std::vector<std::string> ports_to_add() const {
        const std::vector<std::string> existing = listening_ports(scopes_);
        std::vector<std::string> added;
        for (const auto& port : wanted_) {
            if (port_in(existing, port)) {
                if (!request_.bind.empty() && address_of(port) != request_.bind) {  // added, never moved
                    throw Error(ExitCode::failure,
                                "something listens on port " + port + " already (" + where_port(port) +
                                    "); --bind sets the address of a listener --listener adds, and mqpasswd does not "
                                    "change an existing one; nothing was changed",
                                conf_.path);
                }
            } else if (!port_in(added, port)) {
                added.push_back(port);
            }
        }
        return added;
    }

    std::string address_of(const std::string& port) const {
        for (const auto& listener : scopes_.listeners) {
            if (same_port(listener.port, port)) {
                return listener.address;
            }
        }
        return scopes_.default_address;
    }

    std::string where_port(const std::string& port) const {
        for (const auto& listener : scopes_.listeners) {
            if (same_port(listener.port, port)) {
                return location(*listener.listener);
            }
        }
        return scopes_.default_listener != nullptr ? "the default listener of " + location(*scopes_.default_listener)
                                                   : conf_.path;
    }

    // No listener and none asked for: the broker is in local only mode, where nothing from the
    // network gets in and 2.0.11 does not apply allow_anonymous, so --no-anonymous cannot be kept.
    void refuse_or_note_local_only() {
        const std::string state = conf_.path +
                                  " has no listener, so the broker runs in local only mode: only clients on this "
                                  "machine can connect (port 1883 on loopback)";
        if (request_.no_anonymous) {
            throw Error(ExitCode::failure,
                        state + ", and Mosquitto 2.0.11 lets them in without a password whatever allow_anonymous "
                                "says; add --listener PORT (and --bind ADDRESS) to open a listener that checks "
                                "passwords; nothing was changed");
        }
        notes_.push_back(state + "; devices on the network cannot log in until a listener is added "
                                 "(mqpasswd broker enable --listener PORT)");
    }

    FileEdits& edits_of(const std::string& path) {
        auto [it, inserted] = files_.try_emplace(path);
        if (inserted) {
            // Bounded as the reader is: the file may have changed since, and is split into lines.
            it->second.before = read_conf_file(path);
        }
        return it->second;
    }

    void set_line(const ConfOption& option, const std::string& key, const std::string& value) {
        edits_of(option.file).replace[option.line] = key + " " + value;
        actions_.push_back(location(option) + ": " + key + " " + value);
    }

    // The lines that give a scope the password file: 2.1's plugin form for a global scope when the
    // plugin is known, else password_file.
    std::vector<std::string> password_lines(bool global) {
        if (global && !request_.password_plugin.empty()) {
            restart_needed_ = true;  // a reload loads no plugin
            return {"global_plugin " + request_.password_plugin, "plugin_opt_password_file " + request_.pwfile};
        }
        return {"password_file " + request_.pwfile};
    }

    // Repoints or corrects the options in `scope`; returns the lines still to add there.
    std::vector<std::string> settle(const std::vector<const ConfOption*>& scope, bool global) {
        std::vector<std::string> additions;
        bool has_password_file = false;
        std::vector<const ConfOption*> anonymous;
        for (const ConfOption* option : scope) {
            if (option->key == "password_file" || option->key == "plugin_opt_password_file") {
                has_password_file = true;
                repoint(*option);
            } else if (option->key == "allow_anonymous") {
                anonymous.push_back(option);
            } else if (option->key == "listener_allow_anonymous" && request_.no_anonymous && option->value != "false") {
                set_line(*option, option->key, "false");  // 2.1's own per-listener form overrides the global one
            }
        }
        if (!has_password_file) {
            additions = password_lines(global);
        }
        if (request_.no_anonymous) {
            for (const ConfOption* option : anonymous) {
                if (option->value != "false") {
                    set_line(*option, "allow_anonymous", "false");
                }
            }
            if (anonymous.empty()) {
                additions.push_back("allow_anonymous false");
            }
        }
        return additions;
    }

    void repoint(const ConfOption& option) {
        if (resolved_path(option.value) == resolved_path(request_.pwfile)) {
            return;
        }
        if (!request_.replace) {
            throw Error(ExitCode::failure,
                        "already uses the password file " + option.value + "; --replace points it at " +
                            request_.pwfile,
                        option.file, option.line);
        }
        set_line(option, option.key, request_.pwfile);
    }

    // The file global lines go to: a snippet in the main file's include_dir, else CONF itself.
    std::string global_target() const {
        const auto include = std::find_if(conf_.options.begin(), conf_.options.end(), [&](const ConfOption& option) {
            return option.key == "include_dir" && option.file == conf_.path;
        });
        if (include == conf_.options.end()) {
            return conf_.path;
        }
        return include->value + (include->value.ends_with('/') ? "" : "/") + snippet_name;
    }

    // Appends `lines` under a marker of mqpasswd's (each marker once per file).
    void append_marked(const std::string& target, const std::vector<std::string>& lines,
                       const std::string& mark = marker) {
        FileEdits& edits = edits_of(target);
        const bool marked = std::find(edits.append.begin(), edits.append.end(), mark) != edits.append.end();
        if (!edits.before && edits.append.empty()) {
            edits.append.push_back(mark);
        } else if (!marked && edits.before.value_or("").find(mark) == std::string::npos) {
            edits.append.insert(edits.append.end(), {"", mark});
        }
        edits.append.insert(edits.append.end(), lines.begin(), lines.end());
        for (const auto& line : lines) {
            actions_.push_back(target + ": " + line);
        }
    }

    void add_globally(const std::vector<std::string>& additions) {
        if (!additions.empty()) {
            append_marked(global_target(), additions);
        }
    }

    // Each added listener at the end of CONF; with per_listener_settings, with its own settings.
    void add_listeners(const std::vector<std::string>& ports) {
        for (const auto& port : ports) {
            std::vector<std::string> lines = {"listener " + port + (request_.bind.empty() ? "" : " " + request_.bind)};
            if (scopes_.per_listener_settings) {
                const auto settings = password_lines(false);
                lines.insert(lines.end(), settings.begin(), settings.end());
                if (request_.no_anonymous) {
                    lines.emplace_back("allow_anonymous false");
                }
            }
            append_marked(conf_.path, lines, scopes_.per_listener_settings ? marker : listener_marker);
            restart_needed_ = true;  // a reload cannot add a listener
        }
    }

    bool wanted(const ListenerScope& listener) const { return wanted_.empty() || port_in(wanted_, listener.port); }

    void plan_listeners(const std::vector<std::string>& added) {
        const std::vector<ListenerScope> listeners = scopes_.open_listeners();
        if (listeners.empty() && added.empty()) {
            throw Error(ExitCode::failure,
                        "per_listener_settings is true but there is no listener to give the password file to "
                        "(add one with --listener PORT)",
                        conf_.path);
        }
        for (const auto& listener : listeners) {
            if (!wanted(listener)) {
                continue;
            }
            const auto additions = settle(listener.options, false);
            if (!additions.empty()) {
                auto& lines = edits_of(listener.listener->file).insert_after[listener.listener->line];
                lines.insert(lines.end(), additions.begin(), additions.end());
                for (const auto& line : additions) {
                    actions_.push_back(location(*listener.listener) + " (listener " + listener.port + "): " + line);
                }
            }
        }
    }

    EnablePlan finish() {
        EnablePlan plan;
        ConfOverlay planned;
        for (const auto& [path, edits] : files_) {
            std::string after = render(edits);
            if (!edits.before || after != *edits.before) {
                planned[path] = after;
                plan.changes.push_back({path, edits.before, std::move(after)});
            }
        }
        plan.actions = std::move(actions_);
        plan.broker_user = conf_.broker_user();
        plan.restart_needed = restart_needed_;
        const MosquittoConf after = planned.empty() ? conf_ : read_mosquitto_conf(conf_.path, planned);
        verify_result(after);
        for (const auto& finding : writable_by_others(after)) {
            notes_.push_back(finding.message);
        }
        plan.notes = std::move(notes_);
        if (!planned.empty() && broker_.version == BrokerVersion::v2_1) {
            if (const auto refused = broker_test_config(after, planned)) {
                throw Error(ExitCode::failure,
                            "mosquitto --test-config, on the configuration as the edits would leave it: " + *refused +
                                "; nothing was changed",
                            conf_.path);
            }
        }
        return plan;
    }

    // The configuration as the plan leaves it, read as the broker reads it: it must start, give
    // every scope that was asked for the password file, and keep --no-anonymous.
    void verify_result(const MosquittoConf& after) {
        for (const auto& finding : start_problems(after, broker_)) {
            if (finding.severity == Severity::error) {
                throw Error(ExitCode::failure,
                            "the configuration would not start: " + finding.message + "; nothing was changed",
                            conf_.path);
            }
        }
        const ConfScopes scopes = conf_scopes(after);
        if (!scopes.per_listener_settings) {
            verify_scope(scopes.security_scopes(after).front());
            for (const auto& listener : scopes.listeners) {
                verify_listener_anonymous(listener.options);
            }
            return;
        }
        for (const auto& listener : scopes.open_listeners()) {
            if (wanted(listener)) {
                verify_scope(listener.options);
                verify_listener_anonymous(listener.options);
            }
        }
    }

    // 2.1's listener_allow_anonymous, which a listener's block may set over the global allow_anonymous.
    void verify_listener_anonymous(const std::vector<const ConfOption*>& block) const {
        const auto found = std::find_if(block.rbegin(), block.rend(), [](const ConfOption* option) {
            return option->key == "listener_allow_anonymous";
        });
        if (request_.no_anonymous && found != block.rend() && (*found)->value != "false") {
            throw Error(ExitCode::failure,
                        "listener_allow_anonymous " + (*found)->value +
                            " would still apply after the edits; nothing was changed",
                        (*found)->file, (*found)->line);
        }
    }

    void verify_scope(const std::vector<const ConfOption*>& scope) {
        const auto last = [&](std::initializer_list<std::string_view> keys) -> const ConfOption* {
            const auto found = std::find_if(scope.rbegin(), scope.rend(), [&](const ConfOption* option) {
                return std::find(keys.begin(), keys.end(), option->key) != keys.end();
            });
            return found == scope.rend() ? nullptr : *found;
        };
        const ConfOption* password = last({"password_file", "plugin_opt_password_file"});
        if (password == nullptr || resolved_path(password->value) != resolved_path(request_.pwfile)) {
            throw Error(ExitCode::failure,
                        "the edits would not make the broker use " + request_.pwfile + "; nothing was changed",
                        password != nullptr ? password->file : conf_.path, password != nullptr ? password->line : 0);
        }
        const ConfOption* anonymous = last({"allow_anonymous"});
        if (!request_.no_anonymous && anonymous != nullptr && anonymous->value == "true") {
            notes_.push_back(location(*anonymous) + ": allow_anonymous true still lets clients in without a password "
                                                    "(--no-anonymous turns it off)");
        }
        if (request_.no_anonymous && anonymous != nullptr && anonymous->value != "false") {
            throw Error(ExitCode::failure,
                        "allow_anonymous " + anonymous->value +
                            " would still apply after the edits; nothing was changed",
                        anonymous->file, anonymous->line);
        }
    }

    const EnableRequest& request_;
    const BrokerTarget& broker_;
    MosquittoConf conf_;
    ConfScopes scopes_;
    std::map<std::string, FileEdits> files_;
    std::vector<std::string> actions_;
    std::vector<std::string> notes_;
    std::vector<std::string> wanted_;  // the ports asked for, as numbers write them
    bool restart_needed_ = false;
};

}  // namespace

EnablePlan plan_enable(const EnableRequest& request, const BrokerTarget& broker) {
    return Planner(request, broker).plan();
}

void apply_enable(const EnablePlan& plan) {
    std::vector<const ConfFileChange*> written;
    try {
        for (const auto& change : plan.changes) {
            replace_text_file(change.path, change.before, change.after, 0644);  // configuration, not secret
            written.push_back(&change);
        }
    } catch (const Error& error) {
        std::string undone;
        for (auto it = written.rbegin(); it != written.rend(); ++it) {
            const ConfFileChange& change = **it;
            try {
                if (change.before) {
                    replace_text_file(change.path, change.after, *change.before, 0644);
                } else {
                    remove_text_file(change.path, change.after);
                }
            } catch (const Error&) {
                undone += (undone.empty() ? "; left as edited: " : ", ") + change.path;
            }
        }
        throw Error(error.code(),
                    error.message() +
                        (undone.empty() ? (written.empty() ? "" : "; the files written before were put back") : undone),
                    error.path(), error.line(), error.errno_value());
    }
}

}  // namespace mqpasswd
