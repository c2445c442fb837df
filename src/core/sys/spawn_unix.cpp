// Children on a clean slate: posix_spawn with file actions that leave only 0-2 open, a fixed
// environment and default signals; then a wait that never outlasts its time limit.
#include "core/sys/spawn.hpp"

#include "core/error.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace mqpasswd {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t output_limit = 65536;
constexpr int max_links = 40;  // the kernel's MAXSYMLINKS

// posix_spawn's two setup objects, destroyed on every path.
struct SpawnSetup {
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attributes{};
};

// stdin from /dev/null, stdout and stderr to /dev/null or `capture`, then every other descriptor
// closed: one a caller left open (--password-fd 5) is not ours to mark close-on-exec, and would
// reach the child otherwise. glibc 2.34 has closefrom as a file action (Debian 12 has 2.36).
int plan_descriptors(SpawnSetup& setup, ChildOutput output, int capture) {
    posix_spawn_file_actions_t* actions = &setup.actions;
    int rc = posix_spawn_file_actions_addopen(actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (rc == 0) {
        rc = output == ChildOutput::discard
                 ? posix_spawn_file_actions_addopen(actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
                 : posix_spawn_file_actions_adddup2(actions, capture, STDOUT_FILENO);
    }
    if (rc == 0) {
        rc = output == ChildOutput::capture_both
                 ? posix_spawn_file_actions_adddup2(actions, capture, STDERR_FILENO)
                 : posix_spawn_file_actions_addopen(actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    }
    return rc == 0 ? posix_spawn_file_actions_addclosefrom_np(actions, STDERR_FILENO + 1) : rc;
}

// A child inherits blocked signals and ignored ones (SIGPIPE, SIGHUP under nohup); it gets the
// defaults instead, so that the time limit's SIGKILL is not the only way to stop it.
int plan_signals(SpawnSetup& setup) {
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = posix_spawnattr_setsigmask(&setup.attributes, &none);
    rc = rc != 0 ? rc : posix_spawnattr_setsigdefault(&setup.attributes, &all);
    return rc != 0 ? rc : posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

// A pipe whose ends are above 0-2: with a closed stdout in this process pipe2 could return 1,
// and the file actions that set up 0-2 would then close or overwrite it.
void open_pipe(UniqueFd& read_end, UniqueFd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw system_error({}, "cannot create a pipe", errno);
    }
    for (int& fd : fds) {
        if (fd <= STDERR_FILENO) {
            const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
            ::close(fd);
            fd = moved;
        }
    }
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
    if (!read_end.valid() || !write_end.valid()) {
        throw system_error({}, "cannot create a pipe", errno);
    }
}

// What the child writes until it closes the pipe or the deadline passes. Past the limit the rest is
// read and dropped, so that a chatty child never blocks on a full pipe.
std::string collect(int fd, Clock::time_point deadline) {
    std::string output;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            return output;
        }
        pollfd wait_for{fd, POLLIN, 0};
        const int ready = ::poll(&wait_for, 1, static_cast<int>(std::min<long long>(left, 60'000)));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        char buffer[4096];
        const ssize_t got = ready > 0 ? ::read(fd, buffer, sizeof buffer) : ready;
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return output;
        }
        output.append(buffer, std::min(static_cast<std::size_t>(got), output_limit - output.size()));
    }
}

// Waits for the child until the deadline, then kills it. Until it is reaped its pid cannot be
// reused, so the SIGKILL cannot reach another process.
void reap(pid_t child, Clock::time_point deadline, ChildResult& result) {
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) {
            result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            return;
        }
        if (done < 0 && errno != EINTR) {
            return;  // ECHILD: someone set SIGCHLD to SIG_IGN and the kernel reaped it
        }
        if (Clock::now() >= deadline) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(child, SIGKILL);
    result.timed_out = true;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
}

std::string account_name(uid_t uid) {
    const passwd* entry = ::getpwuid(uid);
    return entry != nullptr ? entry->pw_name : "uid " + std::to_string(uid);
}

// Why the program file itself may be changed by another user, or "".
std::string program_file_problem(const struct stat& info, const std::string& where) {
    if (!S_ISREG(info.st_mode)) {
        return where + " is not a regular file";
    }
    if (info.st_uid != 0 && info.st_uid != invoking_uid()) {
        return where + " is owned by " + account_name(info.st_uid) + ", not root";
    }
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return where + " is writable by its group or by every user";
    }
    return {};
}

// The target of the link `parent.name`, as an absolute path.
std::string link_target(const CheckedParent& parent) {
    const std::optional<std::string> target = read_link_at(parent.dir.get(), parent.name);
    if (!target || target->empty()) {
        throw Error(ExitCode::failure, "the symbolic link " + parent.resolved + " changed while it was read");
    }
    return target->starts_with('/') ? *target : parent.resolved.substr(0, parent.resolved.rfind('/')) + "/" + *target;
}

std::string checked_program_problem(const std::string& path) {
    std::string current = path;
    for (int links = 0; links <= max_links; ++links) {
        const CheckedParent parent = open_checked_parent(current);
        struct stat info {};
        if (::fstatat(parent.dir.get(), parent.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
            return "cannot stat " + parent.resolved + ": " + std::strerror(errno);
        }
        if (!S_ISLNK(info.st_mode)) {
            return program_file_problem(info, parent.resolved);
        }
        if (!trusted_link_owner(info.st_uid)) {
            return "the symbolic link " + parent.resolved + " is owned by " + account_name(info.st_uid);
        }
        current = link_target(parent);
    }
    return "too many symbolic links on the way to " + path;
}

}  // namespace

ChildResult run_child(const ChildRequest& request) {
    ChildResult result;
    UniqueFd read_end;
    UniqueFd write_end;
    if (request.output != ChildOutput::discard) {
        open_pipe(read_end, write_end);
    }
    SpawnSetup setup;
    int rc = plan_descriptors(setup, request.output, write_end.get());
    rc = rc != 0 ? rc : plan_signals(setup);
    std::vector<std::string> words{request.program};
    words.insert(words.end(), request.args.begin(), request.args.end());
    std::vector<char*> argv;
    argv.reserve(words.size() + 1);
    for (std::string& word : words) {
        argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    std::string path_variable = std::string("PATH=") + child_path;
    std::string lang_variable = "LANG=C";
    char* environment[] = {path_variable.data(), lang_variable.data(), nullptr};
    pid_t child = 0;
    if (rc == 0) {
        rc =
            ::posix_spawn(&child, request.program.c_str(), &setup.actions, &setup.attributes, argv.data(), environment);
    }
    write_end.reset();  // the child has its copy; the pipe ends when the child (and its children) close it
    if (rc != 0) {
        result.spawn_errno = rc;
        return result;
    }
    const Clock::time_point deadline = Clock::now() + request.time_limit;
    if (read_end.valid()) {
        result.output = collect(read_end.get(), deadline);
    }
    reap(child, deadline, result);
    return result;
}

std::optional<std::string> find_system_program(const std::string& name) {
    const std::string directories = child_path;
    for (std::size_t start = 0; start < directories.size();) {
        const std::size_t end = std::min(directories.find(':', start), directories.size());
        const std::string candidate = directories.substr(start, end - start) + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

std::optional<std::string> untrusted_program_problem(const std::string& path) {
    if (::geteuid() != 0) {
        return std::nullopt;
    }
    std::string problem;
    try {
        problem = checked_program_problem(path);
    } catch (const Error& error) {
        // The path policy's own refusal, without its "; refusing": the caller says what it refuses.
        problem = error.message();
        if (constexpr std::string_view suffix = "; refusing"; problem.ends_with(suffix)) {
            problem.resize(problem.size() - suffix.size());
        }
    }
    return problem.empty() ? std::nullopt : std::optional<std::string>(problem);
}

}  // namespace mqpasswd
