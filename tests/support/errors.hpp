// Test helper: the exit code and printed message of the Error an action throws.
#pragma once

#include "core/error.hpp"

#include <functional>
#include <string>

namespace mqpasswd::test {

// ExitCode::ok (and `message` untouched) when the action throws nothing.
inline ExitCode error_code_of(const std::function<void()>& action, std::string& message) {
    try {
        action();
    } catch (const Error& error) {
        message = describe(error);
        return error.code();
    }
    return ExitCode::ok;
}

}  // namespace mqpasswd::test
