// mosquitto.conf reader (shared/facts/pwfile-format.md §6.3): include_dir is only honoured in the
// main file, and loads DIR/*.conf sorted by name.
#include "broker/mosquitto_conf.hpp"

#include "core/error.hpp"
#include "core/file_snapshot.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <dirent.h>
#include <memory>

namespace mqpasswd {
namespace {

std::vector<std::string> conf_files_in(const std::string& directory) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), ::closedir);
    if (!dir) {
        throw system_error(directory, "cannot read the include_dir", errno);
    }
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir.get())) {
        const std::string name = entry->d_name;
        if (name.size() > 5 && name.ends_with(".conf")) {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    for (auto& name : names) {
        name = directory + (directory.ends_with('/') ? "" : "/") + name;
    }
    return names;
}

void read_into(const std::string& path, bool main_file, std::vector<ConfOption>& options) {
    const FileSnapshot snapshot = read_file(path);
    if (!snapshot.exists) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    for (auto& option : parse_conf_lines(snapshot.content, path)) {
        if (option.key == "include_dir" && main_file) {
            for (const auto& included : conf_files_in(option.value)) {
                read_into(included, false, options);
            }
        }
        options.push_back(std::move(option));
    }
}

}  // namespace

std::vector<ConfOption> parse_conf_lines(std::string_view content, const std::string& path) {
    std::vector<ConfOption> options;
    std::size_t number = 0;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        const std::string_view line = trim(content.substr(0, newline));
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const std::size_t space = std::min(line.find_first_of(" \t"), line.size());
        options.push_back({path, number, std::string(line.substr(0, space)), std::string(trim(line.substr(space)))});
    }
    return options;
}

const ConfOption* MosquittoConf::last(std::string_view key) const {
    const auto found =
        std::find_if(options.rbegin(), options.rend(), [&](const ConfOption& option) { return option.key == key; });
    return found == options.rend() ? nullptr : &*found;
}

MosquittoConf read_mosquitto_conf(const std::string& path) {
    MosquittoConf conf;
    conf.path = path;
    read_into(path, true, conf.options);
    return conf;
}

std::vector<const ConfOption*> password_file_settings(const MosquittoConf& conf) {
    std::vector<const ConfOption*> settings;
    for (const auto& option : conf.options) {
        if (option.key == "password_file" || option.key == "plugin_opt_password_file") {
            settings.push_back(&option);
        }
    }
    return settings;
}

}  // namespace mqpasswd
