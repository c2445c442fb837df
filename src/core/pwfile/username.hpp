// What makes a username (and a password) one that a Mosquitto broker can really use (DESIGN §5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqpasswd {

class Secret;

inline constexpr std::size_t max_field_length = 65535;  // the broker's limit for both fields

// The reason a username would not work, or nothing when it is fine.
[[nodiscard]] std::optional<std::string> username_problem(std::string_view username);

// The reason a password would not work, or nothing when it is fine.
[[nodiscard]] std::optional<std::string> password_problem(const Secret& password);

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace mqpasswd
