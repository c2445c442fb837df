// The copy is made because --test-config reads files by their paths: the planned texts exist only
// in memory until every check has passed.
#include "broker/test_config.hpp"

#include "broker/broker_version.hpp"
#include "broker/conf_scopes.hpp"
#include "core/error.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/sys/spawn.hpp"
#include "core/text.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr auto test_config_time_limit = std::chrono::seconds(10);

// A directory of our own under /tmp, removed with everything in it when the guard dies. Root's
// only (0700, files 0600): the copies may hold secrets (a bridge's remote_password), and
// --test-config runs as root throughout (2.1.2 does not drop to `user` for it).
class PrivateCopy {
public:
    PrivateCopy() {
        std::string pattern = "/tmp/mqpasswd-test-config-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw system_error("/tmp", "cannot create a directory for mosquitto --test-config", errno);
        }
        path_ = pattern;  // mkdtemp makes it 0700
    }
    PrivateCopy(const PrivateCopy&) = delete;
    PrivateCopy& operator=(const PrivateCopy&) = delete;
    ~PrivateCopy() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    [[nodiscard]] const std::string& path() const { return path_; }

    void write(const std::string& name, const std::string& text) const {
        const std::string file = path_ + "/" + name;
        std::filesystem::create_directories(std::filesystem::path(file).parent_path());
        const UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        std::string_view rest = text;
        while (fd.valid() && !rest.empty()) {
            const ssize_t written = ::write(fd.get(), rest.data(), rest.size());
            if (written <= 0 && errno != EINTR) {
                break;
            }
            rest.remove_prefix(written > 0 ? static_cast<std::size_t>(written) : 0);
        }
        if (!fd.valid() || !rest.empty()) {
            throw system_error(file, "cannot write a copy for mosquitto --test-config", errno);
        }
    }

private:
    std::string path_;
};

std::string text_of(const std::string& path, const ConfOverlay& planned) {
    if (const auto found = planned.find(path); found != planned.end()) {
        return found->second;
    }
    return read_conf_file(path).value_or("");
}

// Options that act on the running broker's files: --test-config on 2.1.2 removes the pid_file it
// names when it ends (seen: the running broker's), and the others name its log and database.
bool acts_on_files(std::string_view key) {
    return key == "pid_file" || key == "log_dest" || key == "persistence" || key == "persistence_file" ||
           key == "persistence_location" || key == "autosave_interval";
}

// A file's text for the copy, line for line so the broker's messages keep their numbers: the
// options acting on files left out, and in the main file (`directories` given) each include_dir
// pointed at its copy ("include/N").
std::string copy_text(const std::string& text, const std::string& path, const PrivateCopy& copy,
                      std::map<std::string, std::string>* directories) {
    std::map<std::size_t, ConfOption> by_line;
    for (auto& option : parse_conf_lines(text, path)) {
        by_line.emplace(option.line, std::move(option));
    }
    std::string out;
    std::string_view rest = text;
    for (std::size_t number = 1; !rest.empty(); ++number) {
        const std::string_view line = next_line(rest).text;
        const auto found = by_line.find(number);
        if (found != by_line.end() && acts_on_files(found->second.key)) {
            out += "# " + found->second.key + ": left out of mqpasswd's copy\n";
        } else if (found != by_line.end() && found->second.key == "listener" && listener_port(found->second) == "0") {
            // A unix socket: --test-config unlinks its path (as root: any file); one in the copy instead.
            out += "listener 0 " + copy.path() + "/socket-" + std::to_string(number) + "\n";
        } else if (found != by_line.end() && found->second.key == "include_dir" && directories != nullptr) {
            std::string directory = found->second.value;
            if (!directory.ends_with('/')) {
                directory += '/';
            }
            // The same directory twice is read twice, from one copy.
            const auto [entry, added] =
                directories->try_emplace(directory, copy.path() + "/include/" + std::to_string(directories->size()));
            out += "include_dir " + entry->second + "\n";
        } else {
            out += std::string(line) + "\n";
        }
    }
    return out;
}

}  // namespace

namespace {

// Writes the copy of `conf` as `planned` leaves it; returns each copied file's original, by the
// copy's path, so the broker's "Error found at" can name the real file.
std::map<std::string, std::string> write_copy(const MosquittoConf& conf, const ConfOverlay& planned,
                                              const PrivateCopy& copy) {
    std::map<std::string, std::string> directories;
    std::map<std::string, std::string> originals = {{copy.path() + "/mosquitto.conf", conf.path}};
    copy.write("mosquitto.conf", copy_text(text_of(conf.path, planned), conf.path, copy, &directories));
    for (const auto& [directory, target] : directories) {
        std::filesystem::create_directories(target);
        ::chmod(target.c_str(), 0700);
    }
    for (const auto& option : conf.options) {
        const std::string parent = option.file.substr(0, option.file.rfind('/') + 1);
        const auto found = directories.find(parent);
        const std::string name = found == directories.end() ? std::string()
                                                            : found->second.substr(copy.path().size() + 1) + "/" +
                                                                  option.file.substr(option.file.rfind('/') + 1);
        if (found != directories.end() && option.file != conf.path &&
            originals.emplace(copy.path() + "/" + name, option.file).second) {  // each file once
            copy.write(name, copy_text(text_of(option.file, planned), option.file, copy, nullptr));
        }
    }
    return originals;
}

// The broker's first "Error: ..." line, with where it was found in the real files.
std::string verdict(const ChildResult& result, const std::map<std::string, std::string>& originals) {
    if (result.timed_out) {
        return "no answer in " + std::to_string(test_config_time_limit.count()) + " s";
    }
    std::string error;
    std::string_view output = result.output;
    while (!output.empty()) {
        std::string_view line = next_line(output).text;
        if (line.ends_with('.')) {
            line.remove_suffix(1);  // the sentence goes on in ours
        }
        if (const std::size_t at = line.find("Error found at "); at != std::string_view::npos && !error.empty()) {
            std::string_view found = line.substr(at + 15);
            if (found.size() >= 2 && found.front() == '\'' && found.back() == '\'') {
                found = found.substr(1, found.size() - 2);  // 2.1 quotes it, 2.0 does not
            }
            std::string where(found);
            for (const auto& [copied, original] : originals) {
                if (where.starts_with(copied + ":")) {
                    where = original + where.substr(copied.size());
                }
            }
            return error + " (at " + where + ")";
        }
        if (const std::size_t at = line.find("Error: "); at != std::string_view::npos && error.empty()) {
            error = std::string(line.substr(at));
        }
    }
    return error.empty() ? "exit " + std::to_string(result.exit_code) : error;
}

}  // namespace

std::optional<std::string> broker_test_config(const MosquittoConf& conf, const ConfOverlay& planned) {
    const auto broker = detect_installed_broker();
    if (!broker || profile_for_version(broker->version) != BrokerVersion::v2_1) {
        return std::nullopt;
    }
    const PrivateCopy copy;
    const auto originals = write_copy(conf, planned, copy);
    const ChildResult result = run_child({broker->program,
                                          {"--test-config", "-c", copy.path() + "/mosquitto.conf"},
                                          ChildOutput::capture_both,
                                          test_config_time_limit});
    if (result.exit_code == 0) {
        return std::nullopt;
    }
    return verdict(result, originals);
}

}  // namespace mqpasswd
