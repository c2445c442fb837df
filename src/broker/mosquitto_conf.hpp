// Reading mosquitto.conf as the broker does: one option per line, '#' comments, include_dir
// directories expanded in place (their *.conf files in sorted order), file and line kept for
// messages. Read-only; `broker enable` (not yet written) will edit through the same model.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

struct ConfOption {
    std::string file;
    std::size_t line = 0;
    std::string key;
    std::string value;  // the rest of the line, trimmed
};

struct MosquittoConf {
    std::string path;
    std::vector<ConfOption> options;  // in the order the broker reads them

    // The last setting of `key`, which is the one the broker uses for single-valued options.
    [[nodiscard]] const ConfOption* last(std::string_view key) const;
};

// The options of one file's text, in order, without following include_dir.
[[nodiscard]] std::vector<ConfOption> parse_conf_lines(std::string_view content, const std::string& path);

// Throws Error naming the file when it (or an include_dir) cannot be read.
[[nodiscard]] MosquittoConf read_mosquitto_conf(const std::string& path);

// Every password file the configuration names: `password_file` and 2.1's
// `plugin_opt_password_file`, in order.
[[nodiscard]] std::vector<const ConfOption*> password_file_settings(const MosquittoConf& conf);

}  // namespace mqpasswd
