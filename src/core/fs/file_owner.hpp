// Who owns a newly created password file (DESIGN §6).
#pragma once

#include "core/fs/file_snapshot.hpp"

#include <optional>
#include <string>

namespace mqpasswd {

struct OwnerRequest {
    std::optional<std::string> owner;  // user name or number
    std::optional<std::string> group;  // group name or number
};

// Mode 0600. As root, when the broker's account `mosquitto` exists, mosquitto:mosquitto (the
// broker reads the file after dropping to that user); otherwise the invoking user. The request
// overrides either part. Throws a usage Error for an unknown user or group.
[[nodiscard]] FileOwnership new_file_ownership(const OwnerRequest& request);

}  // namespace mqpasswd
