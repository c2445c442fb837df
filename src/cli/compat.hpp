// The mosquitto_passwd front: its command line, messages and exit codes over mqpasswd's engine
// and safe write path (DESIGN §4).
#pragma once

#include <span>
#include <string>
#include <vector>

namespace mqpasswd::cli {

// Runs a mosquitto_passwd command line (`args` excludes the program name); returns the exit code.
// `process_argv` is main's argv, from which a -b password is cleared while the command runs.
[[nodiscard]] int run_compat(const std::vector<std::string>& args, std::span<char*> process_argv = {});

}  // namespace mqpasswd::cli
