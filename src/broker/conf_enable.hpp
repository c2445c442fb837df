// broker enable: the edits that make mosquitto.conf check clients against a password file,
// planned first (for --dry-run and for refusing conflicts), then applied file by file.
#pragma once

#include "core/pwfile/profile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqpasswd {

struct EnableRequest {
    std::string conf;
    std::string pwfile;         // absolute: the broker's working directory is not ours
    bool no_anonymous = false;  // also make sure allow_anonymous false applies
    bool replace = false;       // repoint a password_file that names another file
    // The ports clients log in on: a port with no listener gets one (at the end of CONF, where no
    // later option can fall into it); with per_listener_settings only these listeners get the
    // password file (empty: all).
    std::vector<std::string> listeners;
    std::string bind;  // the address of the listeners added ("": every interface)
    // 2.1's password-file plugin (its .so): a global setting is written as global_plugin and
    // plugin_opt_password_file, the form 2.1 reads best ("": password_file, which 2.0 reads).
    std::string password_plugin;
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
    std::vector<std::string> notes;       // what the user should know that no edit says
    // A listener or a plugin is added: the broker must be restarted, since Mosquitto refuses a
    // reload that adds or removes listeners ("not currently possible", and then applies none of
    // it), and a reload loads no plugin.
    bool restart_needed = false;
};

// Reads CONF (and its include_dir files) and plans the edits, then reads the configuration as
// they would leave it and checks that it does what was asked. Throws Error (FILE:LINE where a line
// is at fault), planning nothing, for a conflicting password_file without `replace`, per-listener
// settings with no listener, --no-anonymous in local only mode (no listener: Mosquitto 2.0.11 lets
// local clients in whatever allow_anonymous says), a bad port or address, and a result that a
// start of `broker` would stop at or that would not check clients against the file.
[[nodiscard]] EnablePlan plan_enable(const EnableRequest& request, const BrokerTarget& broker);

// Writes every change with the password files' lock and atomic replace; a file changed since it
// was planned is refused. All or nothing: when a write fails, the files already written are put
// back as they were, and the Error says so.
void apply_enable(const EnablePlan& plan);

}  // namespace mqpasswd
