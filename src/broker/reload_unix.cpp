// Broker discovery in the order of DESIGN §7: --pid, CONF's pid_file, the systemd unit. A pid is
// only signalled when /proc says it is a mosquitto process, so a stale pid file never makes us
// hang up an unrelated program.
#include "broker/reload.hpp"

#include "broker/mosquitto_conf.hpp"
#include "core/error.hpp"
#include "core/file_snapshot.hpp"
#include "core/lint.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace mqpasswd {
namespace {

bool is_mosquitto(pid_t pid) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    return std::getline(comm, name) && name == "mosquitto";
}

// Refuses the reload when CONF does not use the file just written, or when a password file it
// names has a problem a broker would stop or fail on.
void check_names_pwfile(const MosquittoConf& conf, const ReloadRequest& request) {
    const auto settings = password_file_settings(conf);
    const bool names_pwfile =
        request.pwfile.empty() || std::any_of(settings.begin(), settings.end(), [&](const ConfOption* setting) {
            return resolved_path(setting->value) == resolved_path(request.pwfile);
        });
    if (!names_pwfile) {
        throw Error(ExitCode::failure, "not reloading the broker: it does not use " + request.pwfile, conf.path);
    }
}

void validate(const MosquittoConf& conf, const ReloadRequest& request) {
    check_names_pwfile(conf, request);
    const auto settings = password_file_settings(conf);
    const ConfOption* user = conf.last("user");
    const auto account = broker_account(user != nullptr ? user->value : "mosquitto");
    for (const ConfOption* setting : settings) {
        std::vector<Finding> findings;
        try {
            findings = lint_password_file(setting->value, request.broker, account);
        } catch (const Error& error) {
            throw Error(ExitCode::failure, "not reloading the broker: " + error.message(), setting->value);
        }
        for (const auto& finding : findings) {
            if (finding.severity == Severity::error) {
                throw Error(ExitCode::failure, "not reloading the broker: " + finding.message, setting->value,
                            finding.line);
            }
        }
    }
}

std::optional<pid_t> pid_from_file(const std::string& path) {
    std::ifstream file(path);
    long pid = 0;
    if (!(file >> pid) || pid <= 0) {
        return std::nullopt;
    }
    return static_cast<pid_t>(pid);
}

bool systemd_unit_active() {
    const char* argv[] = {"systemctl", "is-active", "--quiet", "mosquitto", nullptr};
    pid_t child = 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int rc = ::posix_spawnp(&child, "systemctl", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    return rc == 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int run_systemctl_reload() {
    const char* argv[] = {"systemctl", "reload", "mosquitto", nullptr};
    pid_t child = 0;
    if (::posix_spawnp(&child, "systemctl", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
        return -1;
    }
    int status = 0;
    return ::waitpid(child, &status, 0) == child && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ReloadResult hang_up(pid_t pid, const std::string& how, bool dry_run) {
    if (!is_mosquitto(pid)) {
        throw Error(ExitCode::failure, "process " + std::to_string(pid) + " (" + how + ") is not a running mosquitto");
    }
    if (dry_run) {
        return {"SIGHUP to mosquitto pid " + std::to_string(pid) + " (" + how + ")"};
    }
    if (::kill(pid, SIGHUP) != 0) {
        throw system_error({}, "cannot signal mosquitto process " + std::to_string(pid), errno);
    }
    // A 2.1 broker that dislikes the reloaded configuration exits; say so rather than "done".
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    if (!is_mosquitto(pid)) {
        throw Error(ExitCode::failure, "mosquitto " + std::to_string(pid) + " exited after the reload; see its log");
    }
    return {"SIGHUP to mosquitto pid " + std::to_string(pid) + " (" + how + ")"};
}

}  // namespace

void check_reload_possible(const ReloadRequest& request) {
    check_names_pwfile(read_mosquitto_conf(request.conf), request);
}

ReloadResult reload_broker(const ReloadRequest& request) {
    const MosquittoConf conf = read_mosquitto_conf(request.conf);
    validate(conf, request);
    if (request.pid) {
        return hang_up(*request.pid, "--pid", request.dry_run);
    }
    const ConfOption* pid_file = conf.last("pid_file");
    if (pid_file != nullptr) {
        if (const auto pid = pid_from_file(pid_file->value); pid && is_mosquitto(*pid)) {
            return hang_up(*pid, "pid_file " + pid_file->value, request.dry_run);
        }
    }
    if (systemd_unit_active()) {
        if (!request.dry_run && run_systemctl_reload() != 0) {
            throw Error(ExitCode::failure, "systemctl reload mosquitto failed");
        }
        return {"systemctl reload mosquitto"};
    }
    throw Error(ExitCode::failure,
                "no running broker found: no --pid, " +
                    (pid_file != nullptr ? "no mosquitto at the pid in " + pid_file->value : "no pid_file in CONF") +
                    ", and no active systemd unit mosquitto",
                request.conf);
}

}  // namespace mqpasswd
