// Broker discovery in the order of DESIGN §7: --pid, CONF's pid_file, the systemd unit. A pid is
// signalled only when /proc says it runs the installed mosquitto program as root or as the
// broker's user: the pid file is the broker's user's to write (Debian's /run/mosquitto), and must
// not let that user make root hang up any process, nor a fake broker make us report a reload.
#include "broker/reload.hpp"

#include "broker/broker_version.hpp"
#include "broker/conf_lint.hpp"
#include "broker/conf_scopes.hpp"
#include "broker/mosquitto_conf.hpp"
#include "broker/process_state.hpp"
#include "core/error.hpp"
#include "core/fs/file_size.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/pwfile/lint.hpp"
#include "core/sys/spawn.hpp"

#include <climits>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <variant>

namespace mqpasswd {
namespace {

constexpr std::size_t pid_file_max_bytes = 64;  // "4194304\n" is 8: more is not a pid file
constexpr auto systemctl_time_limit = std::chrono::seconds(30);
constexpr const char* systemd_unit = "mosquitto";                             // Debian's mosquitto.service
constexpr const char* init_script_pid_file = "/run/mosquitto/mosquitto.pid";  // /etc/init.d/mosquitto's PIDFILE

// What a process must be to be signalled: running the broker program (by device and inode, which
// /proc/PID/exe gives however the program was started) as one of `uids`.
struct BrokerIdentity {
    std::optional<std::string> program;  // nothing: no mosquitto installed to compare with
    dev_t device = 0;
    ino_t inode = 0;
    std::string user;         // CONF's `user`, by default mosquitto
    std::vector<uid_t> uids;  // root, that user's, and ours
    std::string conf;         // the configuration being reloaded, resolved
};

// A process to signal, held by its /proc directory: every check reads through this one descriptor,
// and once the process has exited every lookup in it fails, even when its pid is reused.
struct Target {
    pid_t pid = 0;
    std::string how;  // "--pid", "pid_file /run/mosquitto/mosquitto.pid"
    UniqueFd proc;
};

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
    for (const auto& finding : start_problems(conf, request.broker)) {
        if (finding.severity == Severity::error) {
            throw Error(ExitCode::failure, "not reloading the broker: " + finding.message, conf.path);
        }
    }
    const auto settings = password_file_settings(conf);
    const auto account = broker_account(conf.broker_user());
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

BrokerIdentity broker_identity(const MosquittoConf& conf) {
    BrokerIdentity broker;
    broker.program = find_broker_program();
    struct stat info {};
    if (broker.program && ::stat(broker.program->c_str(), &info) == 0) {
        broker.device = info.st_dev;
        broker.inode = info.st_ino;
    } else {
        broker.program.reset();
    }
    broker.user = conf.broker_user();
    broker.conf = resolved_path(conf.path);
    broker.uids = {0, ::getuid()};  // a broker of our own needs no root to be signalled
    if (const auto account = broker_account(broker.user)) {
        broker.uids.push_back(account->uid);
    }
    return broker;
}

Target open_target(pid_t pid, std::string how) {
    Target target{pid, std::move(how), {}};
    const std::string path = "/proc/" + std::to_string(pid);
    target.proc.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    return target;  // not valid when there is no such process
}

std::string label(const Target& target) {
    return "process " + std::to_string(target.pid) + " (" + target.how + ")";
}

// The real and effective uid on the Uid: line of /proc/PID/status, or nothing.
std::optional<std::pair<uid_t, uid_t>> process_uids(int proc) {
    const UniqueFd status(::openat(proc, "status", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    std::string text(16384, '\0');
    const ssize_t got = status.valid() ? ::read(status.get(), text.data(), text.size()) : -1;
    if (got <= 0) {
        return std::nullopt;
    }
    text.resize(static_cast<std::size_t>(got));
    const std::size_t line = text.find("\nUid:");
    unsigned long real = 0;
    unsigned long effective = 0;
    if (line == std::string::npos || std::sscanf(text.c_str() + line, "\nUid: %lu %lu", &real, &effective) != 2) {
        return std::nullopt;
    }
    return std::pair{static_cast<uid_t>(real), static_cast<uid_t>(effective)};
}

// The configuration a mosquitto process was started with (`-c FILE`), resolved from its own
// working directory, or "" when it has none. The broker's user may run the real program with a
// configuration of its own and write that pid into the pid_file: only the broker that reads this
// configuration is the one to reload.
// The process's command line, word by word (the first 64 KiB).
std::vector<std::string> command_line_of(int proc) {
    const UniqueFd file(::openat(proc, "cmdline", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    std::string text(65536, '\0');
    const ssize_t got = file.valid() ? ::read(file.get(), text.data(), text.size()) : -1;
    text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    std::vector<std::string> words;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\0', start), text.size());
        words.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

std::string configuration_of(int proc) {
    const std::vector<std::string> words = command_line_of(proc);
    for (std::size_t i = 1; i + 1 < words.size(); ++i) {
        if (words[i] == "-c" || words[i] == "--config-file") {
            std::string path = words[i + 1];
            if (!path.starts_with('/')) {
                path = read_link_at(proc, "cwd").value_or("") + "/" + path;
            }
            return resolved_path(path);
        }
    }
    return {};
}

std::string program_of(int proc) {
    const std::optional<std::string> target = read_link_at(proc, "exe");
    return target && !target->empty() ? *target : "unknown";
}

// Why `target` is not to be signalled as the broker, or nothing when it may be.
std::optional<std::string> target_problem(const Target& target, const BrokerIdentity& broker) {
    struct stat program {};
    if (!target.proc.valid() || ::fstatat(target.proc.get(), "exe", &program, 0) != 0) {
        if (target.proc.valid() && errno == EACCES) {
            return label(target) + " belongs to another user; not signalling it";
        }
        return label(target) + " is not running";  // gone, a zombie, or a kernel thread
    }
    if (!broker.program) {
        return "no mosquitto program found to check " + label(target) +
               " against (see MQPASSWD_MOSQUITTO); not signalling it";
    }
    if (program.st_dev != broker.device || program.st_ino != broker.inode) {
        return label(target) + " is not the mosquitto broker " + *broker.program + " (its program is " +
               program_of(target.proc.get()) + "); not signalling it";
    }
    if (const std::string conf = configuration_of(target.proc.get()); conf != broker.conf) {
        return label(target) + " is a mosquitto of another configuration (" +
               (conf.empty() ? std::string("none") : conf) + ", not " + broker.conf + "); not signalling it";
    }
    const auto uids = process_uids(target.proc.get());
    if (!uids) {
        return label(target) + " is not running";
    }
    for (const uid_t uid : {uids->first, uids->second}) {
        if (std::find(broker.uids.begin(), broker.uids.end(), uid) == broker.uids.end()) {
            return label(target) + " runs as uid " + std::to_string(uid) + ", not as root or the broker's user " +
                   broker.user + "; not signalling it";
        }
    }
    return std::nullopt;
}

// SIGHUP to the process the checks read, checked once more just before. pidfd_send_signal
// (Linux 5.1) takes the /proc/PID directory as a pidfd, so the signal reaches that process or
// fails (ESRCH) once it has exited, never one that took over its pid. Without it, kill() right
// after that last check: the window left is the microseconds between the two, in which the broker
// would have to exit and its pid be reused.
void send_hangup(const Target& target, const BrokerIdentity& broker) {
    if (const auto problem = target_problem(target, broker)) {
        throw Error(ExitCode::failure, *problem);
    }
    int rc = -1;
#ifdef SYS_pidfd_send_signal
    rc = static_cast<int>(::syscall(SYS_pidfd_send_signal, target.proc.get(), SIGHUP, nullptr, 0));
#else
    errno = ENOSYS;
#endif
    if (rc != 0 && (errno == ENOSYS || errno == EINVAL || errno == EBADF)) {
        rc = ::kill(target.pid, SIGHUP);
    }
    if (rc != 0) {
        throw system_error({}, "cannot signal mosquitto process " + std::to_string(target.pid), errno);
    }
}

// One listener CONF opens: a TCP port on an address ("" for every interface, or a host name,
// matched by port alone), or a unix socket's path.
struct ConfiguredListener {
    std::uint16_t port = 0;
    std::string address;
    std::string unix_path;
};

// An address as inet_ntop writes it when `text` is a literal one, "" otherwise (a host name).
std::string literal_address(const std::string& text) {
    unsigned char bytes[16] = {};
    char normal[INET6_ADDRSTRLEN] = {};
    for (const int family : {AF_INET, AF_INET6}) {
        if (::inet_pton(family, text.c_str(), bytes) == 1 && ::inet_ntop(family, bytes, normal, sizeof normal)) {
            return normal;
        }
    }
    return {};
}

// The listeners CONF opens: each `listener`, 2.0's default listener, or local only mode's 1883
// (which `mosquitto -p PORT`, in `words`, replaces). Nothing when a port cannot be read.
std::optional<std::vector<ConfiguredListener>> configured_listeners(const MosquittoConf& conf,
                                                                    const std::vector<std::string>& words) {
    const ConfScopes scopes = conf_scopes(conf);
    std::vector<ConfiguredListener> listeners;
    std::vector<std::pair<std::string, std::string>> tcp;  // port, address as written
    for (const auto& listener : scopes.open_listeners()) {
        if (listener.port == "0") {
            listeners.push_back({0, {}, listener.address});
        } else {
            tcp.emplace_back(listener.port, listener.address);
        }
    }
    for (std::size_t i = 1; scopes.local_only() && i + 1 < words.size(); ++i) {
        if (words[i] == "-p" || words[i] == "--port") {
            tcp.emplace_back(words[i + 1], "");
        }
    }
    if (scopes.local_only() && tcp.empty()) {
        tcp.emplace_back("1883", "");
    }
    for (const auto& [port, address] : tcp) {
        const auto number = port_number(port);
        if (!number) {
            return std::nullopt;
        }
        listeners.push_back({static_cast<std::uint16_t>(*number), literal_address(address), {}});
    }
    return listeners;
}

std::string describe(const ConfiguredListener& listener) {
    if (!listener.unix_path.empty()) {
        return listener.unix_path;
    }
    return (listener.address.empty() ? std::string("port ") : listener.address + ":") + std::to_string(listener.port);
}

// What of CONF's listeners the running broker lacks, and what it has that CONF does not open.
std::vector<std::string> listener_differences(const std::vector<ConfiguredListener>& configured,
                                              const Listening& listening) {
    std::vector<std::string> differences;
    std::set<std::uint16_t> ports;
    std::set<std::string> paths;
    for (const auto& listener : configured) {
        ports.insert(listener.port);
        paths.insert(listener.unix_path);
        const bool open = !listener.unix_path.empty()
                              ? listening.unix_paths.contains(listener.unix_path)
                              : std::any_of(listening.tcp.begin(), listening.tcp.end(), [&](const auto& socket) {
                                    return socket.first == listener.port &&
                                           (listener.address.empty() || socket.second == listener.address);
                                });
        if (!open) {
            differences.push_back("opens " + describe(listener) + ", which it does not listen on");
        }
    }
    for (const auto port : listening.ports()) {
        if (!ports.contains(port)) {
            differences.push_back("does not open port " + std::to_string(port) + ", which it listens on");
        }
    }
    for (const auto& path : listening.unix_paths) {
        if (!paths.contains(path)) {
            differences.push_back("does not open " + path + ", which it listens on");
        }
    }
    return differences;
}

// Mosquitto refuses a reload that adds or removes a listener ("not currently possible") and
// then applies none of it, so a reload would be reported done while nothing changed. Checked
// where the broker's descriptors can be read (as root, or as its user); skipped otherwise.
void refuse_listener_change(const Target& target, const MosquittoConf& conf) {
    const auto listening = listening_of(target.proc.get());
    const auto configured = configured_listeners(conf, command_line_of(target.proc.get()));
    if (!listening || !configured) {
        return;
    }
    const auto differences = listener_differences(*configured, *listening);
    if (differences.empty()) {
        return;
    }
    throw Error(ExitCode::failure,
                "not reloading the broker: the configuration " + differences.front() + " (mosquitto " +
                    std::to_string(target.pid) +
                    "); Mosquitto cannot add or remove a listener on a reload and would apply none of it: restart "
                    "it (on Debian: systemctl restart mosquitto)",
                conf.path);
}

// A reload loads no plugin: one CONF names (global_plugin, plugin, 2.0's auth_plugin) that the
// running broker has not mapped would do nothing until a restart, and a 2.1 password-file plugin
// added this way would leave every client refused.
void refuse_plugin_not_loaded(const Target& target, const MosquittoConf& conf) {
    const auto mapped = mapped_files(target.proc.get());
    if (!mapped) {
        return;
    }
    for (const auto& option : conf.options) {
        if (option.key != "global_plugin" && option.key != "plugin" && option.key != "auth_plugin") {
            continue;
        }
        // A bare name is found through the loader's search path: any mapped file of that name.
        const bool bare = option.value.find('/') == std::string::npos;
        const bool loaded =
            bare ? std::any_of(mapped->begin(), mapped->end(),
                               [&](const std::string& file) { return file.ends_with("/" + option.value); })
                 : mapped->contains(option.value) || mapped->contains(resolved_path(option.value));
        if (!loaded) {
            throw Error(ExitCode::failure,
                        "not reloading the broker: mosquitto " + std::to_string(target.pid) + " has not loaded " +
                            option.value + ", and a reload loads no plugin: restart it (systemctl restart mosquitto)",
                        option.file, option.line);
        }
    }
}

ReloadResult hang_up(const Target& target, const BrokerIdentity& broker, const MosquittoConf& conf, bool dry_run) {
    refuse_listener_change(target, conf);
    refuse_plugin_not_loaded(target, conf);
    const std::string how = "SIGHUP to mosquitto pid " + std::to_string(target.pid) + " (" + target.how + ")";
    if (dry_run) {
        return {how};
    }
    send_hangup(target, broker);
    // A 2.1 broker that dislikes the reloaded configuration exits; say so rather than "done".
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    struct stat program {};
    if (::fstatat(target.proc.get(), "exe", &program, 0) != 0) {
        throw Error(ExitCode::failure,
                    "mosquitto " + std::to_string(target.pid) + " exited after the reload; see its log");
    }
    return {how};
}

// What is at the pid_file path belongs to the broker's user, who may put anything there: it is
// opened without following a link (which could name any file of root's) and without blocking (a
// FIFO would block the open and the read forever), and only a short regular file is read.
std::variant<pid_t, std::string> pid_from_file(const std::string& path) {
    const UniqueFd file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    struct stat info {};
    if (!file.valid()) {
        if (errno == ELOOP) {
            return "pid_file " + path + " is a symbolic link; not following it";
        }
        return errno == ENOENT ? "no pid_file " + path : "cannot open pid_file " + path + ": " + std::strerror(errno);
    }
    if (::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        return "pid_file " + path + " is not a regular file";
    }
    std::string text(pid_file_max_bytes + 1, '\0');
    const ssize_t got = ::read(file.get(), text.data(), text.size());
    if (larger_than(info, pid_file_max_bytes) || got > static_cast<ssize_t>(pid_file_max_bytes)) {
        return "pid_file " + path + " is not a pid file: it has more than " + std::to_string(pid_file_max_bytes) +
               " bytes";
    }
    text.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    if (const auto pid = parse_pid_text(text)) {
        return *pid;
    }
    return "no pid in pid_file " + path;
}

// The broker named by the pid_file, or why there is none to signal.
std::variant<Target, std::string> target_from_pid_file(const std::string& path, const BrokerIdentity& broker,
                                                       const std::string& label = "pid_file") {
    auto pid = pid_from_file(path);
    if (auto* problem = std::get_if<std::string>(&pid)) {
        return std::move(*problem);
    }
    Target target = open_target(std::get<pid_t>(pid), label + " " + path);
    if (auto problem = target_problem(target, broker)) {
        return std::move(*problem);
    }
    return target;
}

// The broker by CONF's pid_file; with none, by the pid file Debian's init script makes for it
// (start-stop-daemon --make-pidfile), checked the same way. Else what was tried.
std::variant<Target, std::string> target_from_pid_files(const MosquittoConf& conf, const BrokerIdentity& broker) {
    if (const ConfOption* pid_file = conf.last("pid_file")) {
        return target_from_pid_file(pid_file->value, broker);
    }
    auto target = target_from_pid_file(init_script_pid_file, broker, "init script pid file");
    if (auto* problem = std::get_if<std::string>(&target)) {
        return "no pid_file in CONF and, for /etc/init.d/mosquitto, " + *problem;
    }
    return target;
}

bool systemd_unit_active(const std::string& systemctl) {
    ChildRequest request{systemctl, {"is-active", "--quiet", systemd_unit}, ChildOutput::discard, systemctl_time_limit};
    return run_child(request).exit_code == 0;
}

void run_systemctl_reload(const std::string& systemctl) {
    ChildRequest request{systemctl, {"reload", systemd_unit}, ChildOutput::capture_both, systemctl_time_limit};
    const ChildResult result = run_child(request);
    if (result.exit_code == 0) {
        return;
    }
    std::string why = result.timed_out ? "no answer in " + std::to_string(systemctl_time_limit.count()) + " s"
                                       : result.output.substr(0, result.output.find('\n'));
    throw Error(ExitCode::failure, "systemctl reload mosquitto failed" + (why.empty() ? "" : ": " + why));
}

}  // namespace

std::optional<pid_t> parse_pid_text(std::string_view text) {
    const std::size_t end = text.find_last_not_of(" \t\r\n");
    const std::string_view digits = text.substr(0, end == std::string_view::npos ? 0 : end + 1);
    if (digits.empty() || digits.size() > 10 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    const unsigned long long value = std::stoull(std::string(digits));
    if (value == 0 || value > static_cast<unsigned long long>(INT_MAX)) {
        return std::nullopt;
    }
    return static_cast<pid_t>(value);
}

void check_reload_possible(const ReloadRequest& request) {
    check_names_pwfile(read_mosquitto_conf(request.conf), request);
}

ReloadResult reload_broker(const ReloadRequest& request) {
    const MosquittoConf conf = read_mosquitto_conf(request.conf);
    validate(conf, request);
    const BrokerIdentity broker = broker_identity(conf);
    if (request.pid) {
        const Target target = open_target(*request.pid, "--pid");
        if (const auto problem = target_problem(target, broker)) {
            throw Error(ExitCode::failure, *problem);
        }
        return hang_up(target, broker, conf, request.dry_run);
    }
    auto target = target_from_pid_files(conf, broker);
    if (auto* found = std::get_if<Target>(&target)) {
        return hang_up(*found, broker, conf, request.dry_run);
    }
    const std::string& pid_file_problem = std::get<std::string>(target);
    const auto systemctl = find_system_program("systemctl");
    if (systemctl && systemd_unit_active(*systemctl)) {
        if (!request.dry_run) {
            run_systemctl_reload(*systemctl);
        }
        return {"systemctl reload mosquitto"};
    }
    throw Error(ExitCode::failure,
                "no running broker found: no --pid; " + pid_file_problem + "; and no active systemd unit mosquitto",
                request.conf);
}

}  // namespace mqpasswd
