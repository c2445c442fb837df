// Mosquitto 2.1's own verdict on a configuration before it is written: `mosquitto --test-config`
// (new in 2.1: parses the configuration, loads no password file) on a private copy of it.
#pragma once

#include "broker/mosquitto_conf.hpp"

#include <optional>
#include <string>

namespace mqpasswd {

// Runs the installed broker's --test-config on `conf` as `planned` would leave it: the main file
// and each include_dir file copied into a private directory (its include_dir lines pointed there),
// every other path as it is, except those --test-config would act on (pid_file, persistence,
// logs, a unix socket's path). The broker's first error line and where it found it, when it
// refuses; nothing when it accepts, or when there is no installed 2.1 broker to ask.
[[nodiscard]] std::optional<std::string> broker_test_config(const MosquittoConf& conf, const ConfOverlay& planned);

}  // namespace mqpasswd
