// One function per native command; each returns the process exit code.
#pragma once

#include "broker/broker_version.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "core/crypto/secret.hpp"
#include "core/pwfile/update.hpp"

namespace mqpasswd::cli {

[[nodiscard]] int run_set(Options& options);
[[nodiscard]] int run_delete(const Options& options);
[[nodiscard]] int run_verify(Options& options);
[[nodiscard]] int run_list(const Options& options);
[[nodiscard]] int run_upgrade(const Options& options);
[[nodiscard]] int run_import(const Options& options);
[[nodiscard]] int run_check(const Options& options);
[[nodiscard]] int run_broker_reload(const Options& options);
[[nodiscard]] int run_broker_enable(const Options& options);
[[nodiscard]] int run_dynsec_export(const Options& options);
[[nodiscard]] int run_dynsec_import(const Options& options);
// --reload after a write: reloads when `written`; never throws (the file is already written, so
// the outcome goes into the command's one report).
[[nodiscard]] ReloadOutcome reload_after_write(const Options& options, bool written);
// --reload's checks that need no broker (CONF readable, naming PWFILE), before anything is written.
void check_reload_before_write(const Options& options);
// Reloads as asked, prints the whole result; returns the exit code.
[[nodiscard]] int finish_update(const Options& options, UpdateSummary summary);

[[nodiscard]] int run_command(Options& options);

// Shared by the commands (command_support.cpp).
[[nodiscard]] WriteTarget resolve_target(const Options& options);
// Whether broker detection may remember its answer: not on --dry-run, which changes nothing anywhere.
[[nodiscard]] DetectionCache detection_cache(const Options& options);
[[nodiscard]] UpdateOptions update_options(const Options& options);
// The password file's path and directory checked (as the write will check them), before a
// password or a source is read: a typo never costs the user a typed password.
void check_target_before_reading(const Options& options);
// Reads the password from the chosen source (wiping the -b argument) and validates it.
[[nodiscard]] Secret obtain_password(Options& options, bool confirm);

}  // namespace mqpasswd::cli
