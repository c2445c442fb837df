// Everything mqpasswd prints, both fronts: human text or --json on stdout; warnings, errors and
// progress on stderr.
// With --json, stdout holds exactly one JSON object, on failure too ({"error": ..., "exit_code": N}).
#pragma once

#include "broker/conf_enable.hpp"
#include "broker/reload.hpp"
#include "cli/options.hpp"
#include "core/crypto/hash.hpp"
#include "core/error.hpp"
#include "core/input/import_source.hpp"
#include "core/pwfile/lint.hpp"
#include "core/pwfile/profile.hpp"
#include "core/pwfile/query.hpp"
#include "core/pwfile/update.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mqpasswd::cli {

// Text safe for a terminal: control bytes become \xNN. Every value from a file (usernames, paths
// named in mosquitto.conf, what the broker's own output said) goes through it before it is printed.
[[nodiscard]] std::string printable(std::string_view text);

// How messages name an import SOURCE ("standard input" for "-").
[[nodiscard]] std::string source_label(const Options& options);

void print_error(const Error& error);
// The --json answer to a failure: {"error":"...","exit_code":N[,"path":"...","line":N]}.
void print_error_json(const Error& error);
void print_warning(std::string_view message);

[[nodiscard]] std::string describe_hash(const HashInfo& info);

// What --reload did after a write (or, on a dry run, would do).
struct ReloadOutcome {
    bool requested = false;
    bool reloaded = false;
    std::string how;      // "SIGHUP to mosquitto pid 12 (...)"; on a dry run what would be done
    std::string problem;  // why the broker was not reloaded; "" when it was (or nothing was asked)
    bool failed = false;  // the reload was needed and did not happen: the command exits 1
};

// What set/delete/upgrade/import did. `target` is absent for delete, which writes no hash;
// `generated` is the --generate password, printed once, alone on stdout (it is the user's to keep).
struct UpdateSummary {
    const UpdateResult& result;
    const WriteTarget* target = nullptr;
    const Secret* generated = nullptr;
    const std::vector<SkippedRecord>* skipped = nullptr;  // import --skip-invalid
    bool counts_only = false;                             // text output: one line of counts instead of a line per user
    // Users whose hash is not target->spec (an import record's own hash column), by name.
    const std::unordered_map<std::string, HashSpec>* own_specs = nullptr;
    const ReloadOutcome* reload = nullptr;
    // One more line of text (and "note" in JSON): dynsec's form written and why, and what to do next.
    const std::string* note = nullptr;
};

// Prints the result (and the reload's, and warnings such as a weak hash written); returns the
// exit code: 0, or 1 when a requested reload failed after the file was written.
[[nodiscard]] int print_update(const Options& options, const UpdateSummary& summary);
void print_verify(const Options& options, const VerifyResult& result);
// Streams options.pwfile's users to stdout (text or --json), problems to stderr as warnings;
// returns the exit code (a --json listing that fails part way reports the error inside its object).
[[nodiscard]] int print_listing(const Options& options);
// check's findings (CONF's first), then a summary line unless --quiet.
void print_check(const Options& options, const std::vector<Finding>& findings);
// broker reload: what was signalled (or, on a dry run, would be).
void print_broker_reload(const Options& options, const ReloadResult& result);
// broker enable: what was (or would be) changed in CONF and done to `pwfile`, with the diff on a
// dry run; `permissions` is "" when the password file was left as it was.
void print_enable_plan(const Options& options, const std::string& conf, const EnablePlan& plan,
                       const std::string& pwfile, const std::string& permissions);
// import's "hashing DONE/TOTAL, about N s left" on stderr, rewritten in place; the caller decides
// that a person is watching.
void print_import_progress(std::size_t done, std::size_t total, double elapsed_seconds);
// --help or --version's text, on stdout.
void print_help(std::string_view text);
// The compat front's whole output, built in mosquitto_passwd's words: stdout, then stderr.
void print_compat(std::string_view out, std::string_view err);

}  // namespace mqpasswd::cli
