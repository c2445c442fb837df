// The mosquitto_passwd front: its command line, messages and exit codes over mqpasswd's engine
// and safe write path (DESIGN §4).
#pragma once

#include <string>
#include <vector>

namespace mqpasswd::cli {

// Runs a mosquitto_passwd command line (`args` excludes the program name); returns the exit code.
[[nodiscard]] int run_compat(const std::vector<std::string>& args);

}  // namespace mqpasswd::cli
