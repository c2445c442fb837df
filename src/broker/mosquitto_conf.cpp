// mosquitto.conf reader (shared/facts/pwfile-format.md §6.3): include_dir is only allowed in the
// main file, and loads DIR/*.conf sorted by name. The limits are checked as the text is read, so
// memory stays in proportion to what was accepted.
#include "broker/mosquitto_conf.hpp"

#include "core/error.hpp"
#include "core/fs/broker_account.hpp"
#include "core/fs/file_size.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

// What is left of the limits for the rest of one configuration.
struct Budget {
    std::size_t bytes = max_conf_bytes;
    std::size_t lines = max_conf_lines;
};

Error too_large(const std::string& path, const Budget& budget) {
    return {ExitCode::failure,
            budget.bytes == max_conf_bytes
                ? "is over 16 MiB, larger than any mosquitto.conf; refusing to read it"
                : "the configuration passes 16 MiB with this include_dir file; refusing to read it",
            path};
}

// The file's text (nothing: it does not exist), opened with read_file's refusals; its size is
// checked before anything is read, so a huge file costs nothing. A planned text stands in for it.
std::optional<std::string> read_bounded(const std::string& path, Budget& budget, const ConfOverlay& planned = {}) {
    if (const auto text = planned.find(path); text != planned.end()) {
        if (text->second.size() > budget.bytes) {
            throw too_large(path, budget);
        }
        budget.bytes -= text->second.size();
        return text->second;
    }
    const UniqueFd fd = open_for_reading(path);
    if (!fd.valid()) {
        return std::nullopt;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        throw system_error(path, "cannot stat", errno);
    }
    if (larger_than(info, budget.bytes)) {
        throw too_large(path, budget);
    }
    auto read = read_at_most(fd.get(), static_cast<std::size_t>(info.st_size), budget.bytes, path);
    if (!read) {
        throw too_large(path, budget);  // it grew past the budget since fstat
    }
    std::string content = std::move(*read);
    budget.bytes -= content.size();
    return content;
}

// Calls on_line(line without its "\n" or "\r\n", 1-based number) for each line, within the budget.
template <typename OnLine>
void for_each_line(std::string_view content, const std::string& path, Budget& budget, OnLine on_line) {
    std::size_t number = 0;
    while (!content.empty()) {
        const std::string_view line = next_line(content).text;
        ++number;
        if (line.size() > max_conf_line_length) {
            throw Error(ExitCode::failure, "line is over 64 KiB, longer than any mosquitto.conf line; refusing it",
                        path, number);
        }
        if (budget.lines == 0) {
            throw Error(ExitCode::failure,
                        "more than " + std::to_string(max_conf_lines) +
                            " lines of configuration (include_dir files count); refusing to read more",
                        path, number);
        }
        --budget.lines;
        on_line(line.ends_with('\r') ? line.substr(0, line.size() - 1) : line, number);
    }
}

// The option on a line as the broker splits it, or nothing for a comment or a blank line: a '#'
// in the first column starts a comment, and the name is the first word between spaces, so an
// indented '#', a tab before or after the name, or a tab-only line make a name with no option
// behind it (is_option_name), which the broker refuses ("Unknown configuration variable").
std::optional<ConfOption> option_of(std::string_view line, const std::string& path, std::size_t number) {
    if (line.empty() || line.front() == '#') {
        return std::nullopt;
    }
    line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
    if (line.empty()) {
        return std::nullopt;
    }
    const std::size_t space = std::min(line.find(' '), line.size());
    return ConfOption{path, number, std::string(line.substr(0, space)), std::string(trim(line.substr(space)))};
}

bool is_conf_name(const std::string& name) {
    return name.size() > 5 && name.ends_with(".conf");
}

// DIR/*.conf, sorted by name, with the planned files in DIR among them.
std::vector<std::string> conf_files_in(const ConfOption& include, const ConfOverlay& planned) {
    const std::string& directory = include.value;
    const std::string prefix = directory + (directory.ends_with('/') ? "" : "/");
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), ::closedir);
    if (!dir) {
        throw system_error(directory, "cannot read the include_dir", errno);
    }
    std::vector<std::string> names;
    for (const auto& entry : planned) {
        const std::string& path = entry.first;
        const std::string name = path.substr(std::min(prefix.size(), path.size()));
        if (path.starts_with(prefix) && name.find('/') == std::string::npos && is_conf_name(name)) {
            names.push_back(name);
        }
    }
    while (const dirent* entry = ::readdir(dir.get())) {
        const std::string name = entry->d_name;
        if (is_conf_name(name) && std::find(names.begin(), names.end(), name) == names.end()) {
            if (names.size() == max_include_dir_files) {
                throw Error(ExitCode::failure,
                            "include_dir " + directory + " holds more than " + std::to_string(max_include_dir_files) +
                                " .conf files; refusing to read them",
                            include.file, include.line);
            }
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    for (auto& name : names) {
        name = prefix + name;
    }
    return names;
}

void read_into(const std::string& path, bool main_file, Budget& budget, const ConfOverlay& planned,
               std::vector<ConfOption>& options) {
    const std::optional<std::string> content = read_bounded(path, budget, planned);
    if (!content) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    for_each_line(*content, path, budget, [&](std::string_view line, std::size_t number) {
        std::optional<ConfOption> option = option_of(line, path, number);
        if (!option) {
            return;
        }
        if (option->key == "include_dir") {
            // The broker stops here too; following it could also loop back to the main file.
            if (!main_file) {
                throw Error(ExitCode::failure,
                            "include_dir is only valid in the main configuration file (the broker refuses it too)",
                            path, number);
            }
            for (const auto& included : conf_files_in(*option, planned)) {
                read_into(included, false, budget, planned, options);
            }
        }
        options.push_back(std::move(*option));
    });
}

}  // namespace

std::vector<ConfOption> parse_conf_lines(std::string_view content, const std::string& path) {
    std::vector<ConfOption> options;
    Budget budget;
    for_each_line(content, path, budget, [&](std::string_view line, std::size_t number) {
        if (auto option = option_of(line, path, number)) {
            options.push_back(std::move(*option));
        }
    });
    return options;
}

const ConfOption* MosquittoConf::last(std::string_view key) const {
    const auto found =
        std::find_if(options.rbegin(), options.rend(), [&](const ConfOption& option) { return option.key == key; });
    return found == options.rend() ? nullptr : &*found;
}

std::string MosquittoConf::broker_user() const {
    const ConfOption* user = last("user");
    return user != nullptr ? user->value : default_broker_user;
}

MosquittoConf read_mosquitto_conf(const std::string& path, const ConfOverlay& planned) {
    MosquittoConf conf;
    conf.path = path;
    Budget budget;
    read_into(path, true, budget, planned, conf.options);
    return conf;
}

std::optional<std::string> read_conf_file(const std::string& path) {
    Budget budget;
    std::optional<std::string> content = read_bounded(path, budget);
    if (content) {
        for_each_line(*content, path, budget, [](std::string_view, std::size_t) {});
    }
    return content;
}

std::string location(const ConfOption& option) {
    return option.file + ":" + std::to_string(option.line);
}

bool is_option_name(std::string_view key) noexcept {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
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
