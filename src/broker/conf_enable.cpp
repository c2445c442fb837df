// Where the lines go follows the broker's rules (shared/facts/pwfile-format.md §6.3): without
// per_listener_settings the options are global, so a snippet in the main file's include_dir
// (Debian's /etc/mosquitto/conf.d) or an addition at the end of CONF works; with it, each
// listener block needs its own lines, right after its `listener` line.
#include "broker/conf_enable.hpp"

#include "broker/mosquitto_conf.hpp"
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

std::string where(const ConfOption& option) {
    return option.file + ":" + std::to_string(option.line);
}

class Planner {
public:
    explicit Planner(const EnableRequest& request) : request_(request), conf_(read_mosquitto_conf(request.conf)) {}

    EnablePlan plan() {
        const ConfOption* per_listener = conf_.last("per_listener_settings");
        if (per_listener != nullptr && per_listener->value == "true") {
            plan_listeners();
        } else {
            std::vector<const ConfOption*> all;
            for (const auto& option : conf_.options) {
                all.push_back(&option);
            }
            const auto additions = settle(all);
            add_globally(additions);
        }
        return finish();
    }

private:
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
        actions_.push_back(where(option) + ": " + key + " " + value);
    }

    // Repoints or corrects the options in `scope`; returns the lines still to add there.
    std::vector<std::string> settle(const std::vector<const ConfOption*>& scope) {
        std::vector<std::string> additions;
        bool has_password_file = false;
        std::vector<const ConfOption*> anonymous;
        for (const ConfOption* option : scope) {
            if (option->key == "password_file" || option->key == "plugin_opt_password_file") {
                has_password_file = true;
                if (resolved_path(option->value) != resolved_path(request_.pwfile)) {
                    if (!request_.replace) {
                        throw Error(ExitCode::failure,
                                    "already uses the password file " + option->value + "; --replace points it at " +
                                        request_.pwfile,
                                    option->file, option->line);
                    }
                    set_line(*option, option->key, request_.pwfile);
                }
            } else if (option->key == "allow_anonymous") {
                anonymous.push_back(option);
            }
        }
        if (!has_password_file) {
            additions.push_back("password_file " + request_.pwfile);
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

    void add_globally(const std::vector<std::string>& additions) {
        if (additions.empty()) {
            return;
        }
        const auto include = std::find_if(conf_.options.begin(), conf_.options.end(), [&](const ConfOption& option) {
            return option.key == "include_dir" && option.file == conf_.path;
        });
        std::string target = conf_.path;
        if (include != conf_.options.end()) {
            target = include->value + (include->value.ends_with('/') ? "" : "/") + snippet_name;
        }
        FileEdits& edits = edits_of(target);
        if (!edits.before) {
            edits.append.push_back(marker);
        } else if (edits.before->find(marker) == std::string::npos) {
            edits.append.insert(edits.append.end(), {"", marker});
        }
        edits.append.insert(edits.append.end(), additions.begin(), additions.end());
        for (const auto& line : additions) {
            actions_.push_back(target + ": " + line);
        }
    }

    void plan_listeners() {
        std::vector<std::size_t> listeners;
        for (std::size_t i = 0; i < conf_.options.size(); ++i) {
            if (conf_.options[i].key == "listener") {
                listeners.push_back(i);
            }
        }
        if (listeners.empty()) {
            throw Error(ExitCode::failure,
                        "per_listener_settings is true but there is no listener to give the password file to",
                        conf_.path);
        }
        std::vector<std::string> unmatched = request_.listeners;
        for (std::size_t n = 0; n < listeners.size(); ++n) {
            const ConfOption& listener = conf_.options[listeners[n]];
            const std::string port = listener.value.substr(0, listener.value.find_first_of(" \t"));
            if (!request_.listeners.empty() && std::erase(unmatched, port) == 0) {
                continue;
            }
            const std::size_t end = n + 1 < listeners.size() ? listeners[n + 1] : conf_.options.size();
            std::vector<const ConfOption*> block;
            for (std::size_t i = listeners[n] + 1; i < end; ++i) {
                block.push_back(&conf_.options[i]);
            }
            const auto additions = settle(block);
            if (!additions.empty()) {
                auto& lines = edits_of(listener.file).insert_after[listener.line];
                lines.insert(lines.end(), additions.begin(), additions.end());
                for (const auto& line : additions) {
                    actions_.push_back(where(listener) + " (listener " + port + "): " + line);
                }
            }
        }
        if (!unmatched.empty()) {
            throw Error(ExitCode::failure, "no listener on port " + unmatched.front(), conf_.path);
        }
    }

    EnablePlan finish() {
        EnablePlan plan;
        for (const auto& [path, edits] : files_) {
            std::string after = render(edits);
            if (!edits.before || after != *edits.before) {
                plan.changes.push_back({path, edits.before, std::move(after)});
            }
        }
        plan.actions = std::move(actions_);
        plan.broker_user = conf_.broker_user();
        return plan;
    }

    const EnableRequest& request_;
    MosquittoConf conf_;
    std::map<std::string, FileEdits> files_;
    std::vector<std::string> actions_;
};

}  // namespace

EnablePlan plan_enable(const EnableRequest& request) {
    return Planner(request).plan();
}

void apply_enable(const EnablePlan& plan) {
    for (const auto& change : plan.changes) {
        replace_text_file(change.path, change.before, change.after, 0644);  // configuration, not secret
    }
}

}  // namespace mqpasswd
