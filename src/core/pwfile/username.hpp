// What makes a username one that a Mosquitto broker can really use (DESIGN §5).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqpasswd {

inline constexpr std::size_t max_field_length = 65535;  // the broker's limit for both fields

// The reason a username would not work, or nothing when it is fine.
[[nodiscard]] std::optional<std::string> username_problem(std::string_view username);

}  // namespace mqpasswd
