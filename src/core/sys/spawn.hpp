// Every program mqpasswd runs (mosquitto -h, systemctl) is started here, so that none of them
// inherits what this process may hold: a password in the environment (--password-env) or on a
// descriptor (--password-fd), a caller's PATH or LD_PRELOAD, blocked or ignored signals.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mqpasswd {

enum class ChildOutput {
    discard,         // stdout and stderr to /dev/null
    capture_stdout,  // stdout captured, stderr to /dev/null
    capture_both,    // stdout and stderr captured together: a message to pass on
};

struct ChildRequest {
    std::string program;            // an absolute path; nothing is searched
    std::vector<std::string> args;  // argv[1] on; argv[0] is `program`
    ChildOutput output = ChildOutput::discard;
    std::chrono::milliseconds time_limit{5000};
};

struct ChildResult {
    int spawn_errno = 0;     // non-zero: the program did not start
    bool timed_out = false;  // still running at the time limit: killed
    int exit_code = -1;      // -1 when it did not start, was killed or died of a signal
    std::string output;      // what was captured, at most 64 KiB
};

// The environment every child gets, and nothing else.
inline constexpr const char* child_path = "/usr/sbin:/usr/bin:/sbin:/bin";

// Runs `request.program` with stdin from /dev/null, the environment PATH=child_path and LANG=C,
// no descriptor beyond 0-2, default signal handling and no blocked signals. Waits at most the
// time limit, then kills (SIGKILL) and reaps it. The child's failures are in the result; throws
// Error only when this process cannot set the child up (no pipe).
[[nodiscard]] ChildResult run_child(const ChildRequest& request);

// `name` in child_path's directories, or nothing: systemctl is run from there, never from the
// caller's PATH.
[[nodiscard]] std::optional<std::string> find_system_program(const std::string& name);

// Why running `path` as root would run something another user can change (the program or a
// directory or link on its way, under the path policy of DESIGN §6), or nothing. Nothing too when
// this process is not root: a user's own PATH is that user's business.
[[nodiscard]] std::optional<std::string> untrusted_program_problem(const std::string& path);

}  // namespace mqpasswd
