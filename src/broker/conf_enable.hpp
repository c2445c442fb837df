// broker enable: the edits that make mosquitto.conf check clients against a password file,
// planned first (for --dry-run and for refusing conflicts), then applied file by file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mqpasswd {

struct EnableRequest {
    std::string conf;
    std::string pwfile;                  // absolute: the broker's working directory is not ours
    bool no_anonymous = false;           // also make sure allow_anonymous false applies
    bool replace = false;                // repoint a password_file that names another file
    std::vector<std::string> listeners;  // per_listener_settings: only these ports (empty: all)
};

struct ConfFileChange {
    std::string path;
    std::optional<std::string> before;  // nothing: a file to create (an include_dir snippet)
    std::string after;
};

struct EnablePlan {
    std::vector<ConfFileChange> changes;  // empty: the configuration already does it all
    std::vector<std::string> actions;     // one line per edit, "FILE:LINE: ..."
    std::string broker_user;              // CONF's `user`, or mosquitto
};

// Reads CONF (and its include_dir files) and plans the edits. Throws Error with FILE:LINE for a
// conflicting password_file without `replace`, and when per-listener settings have no listener.
[[nodiscard]] EnablePlan plan_enable(const EnableRequest& request);

// Writes every change with the password files' lock and atomic replace; a file changed since it
// was planned is refused.
void apply_enable(const EnablePlan& plan);

}  // namespace mqpasswd
