// What makes a password one that a Mosquitto broker can check a client against (DESIGN §5).
#pragma once

#include <optional>
#include <string>

namespace mqpasswd {

class Secret;

// The reason a password would not work, or nothing when it is fine.
[[nodiscard]] std::optional<std::string> password_problem(const Secret& password);

}  // namespace mqpasswd
