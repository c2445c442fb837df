// mosquitto_passwd's password prompt: "Password: " and "Reenter password: " on stdout, lines from
// stdin (a terminal with echo off, or a pipe), its messages and its return codes.
#pragma once

#include "core/crypto/secret.hpp"

#include <string>

namespace mqpasswd::cli {

struct CompatPassword {
    int code = 0;       // 0 ok, 1 empty, too long for a terminal or end of input, 2 the two entries differ
    std::string error;  // the stderr line for a non-zero code
    Secret password;
};

[[nodiscard]] CompatPassword compat_prompt();

}  // namespace mqpasswd::cli
