// Reading mosquitto.conf as the broker does: one option per line, '#' comments, include_dir
// directories expanded in place (their *.conf files in sorted order), file and line kept for
// messages, within stated limits. Read-only; `broker enable` edits through the same model.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqpasswd {

// What the reader accepts: mqpasswd runs as root on a file it did not write, so a mistaken or
// hostile one (a log, a device's worth of text) must cost bounded memory and time. Each limit is
// far beyond any real configuration (Debian's is 13 lines; the commented example, 874 and 39 KB).
inline constexpr std::size_t max_conf_bytes = std::size_t{16} << 20;  // the main and include_dir files together
inline constexpr std::size_t max_conf_line_length = std::size_t{64} << 10;
inline constexpr std::size_t max_conf_lines = 100000;       // in all files; comments and blank lines count
inline constexpr std::size_t max_include_dir_files = 1000;  // *.conf files in one include_dir

struct ConfOption {
    std::string file;
    std::size_t line = 0;
    std::string key;
    std::string value;  // the rest of the line, trimmed
};

// "FILE:LINE" of an option, as messages name it.
[[nodiscard]] std::string location(const ConfOption& option);

struct MosquittoConf {
    std::string path;
    std::vector<ConfOption> options;  // in the order the broker reads them

    // The last setting of `key`, which is the one the broker uses for single-valued options.
    [[nodiscard]] const ConfOption* last(std::string_view key) const;
    // The account the broker drops to: its `user`, else default_broker_user.
    [[nodiscard]] std::string broker_user() const;
};

// The options of one file's text, in order, without following include_dir. Throws Error with
// PATH:LINE for a line over max_conf_line_length or past max_conf_lines.
[[nodiscard]] std::vector<ConfOption> parse_conf_lines(std::string_view content, const std::string& path);

// Texts that stand in for files, by path: a configuration as planned edits would leave it. A
// planned file is read instead of the one on disk (which may not exist yet), and an include_dir
// lists the planned *.conf files in it among its own.
using ConfOverlay = std::map<std::string, std::string>;

// Throws Error naming the file (and line) when it or an include_dir cannot be read, when any limit
// above is passed (the size before the file is read), and for an include_dir outside the main
// file, which the broker refuses.
[[nodiscard]] MosquittoConf read_mosquitto_conf(const std::string& path, const ConfOverlay& planned = {});

// The text of one configuration file, for an edit (nothing: it does not exist), read as
// read_mosquitto_conf reads it: the same refusals and limits.
[[nodiscard]] std::optional<std::string> read_conf_file(const std::string& path);

// Whether `key` can name a Mosquitto option (lowercase letters, digits, '_' and '.', as in
// ciphers_tls1.3): a line whose first word is anything else stops the broker at start.
[[nodiscard]] bool is_option_name(std::string_view key) noexcept;

// Every password file the configuration names: `password_file` and 2.1's
// `plugin_opt_password_file`, in order.
[[nodiscard]] std::vector<const ConfOption*> password_file_settings(const MosquittoConf& conf);

}  // namespace mqpasswd
