// Everything mqpasswd prints: human text or --json on stdout, warnings and errors on stderr.
// With --json, stdout holds exactly one JSON object, on failure too ({"error": ..., "exit_code": N}).
#pragma once

#include "cli/options.hpp"
#include "core/crypto/hash.hpp"
#include "core/error.hpp"
#include "core/input/import_source.hpp"
#include "core/pwfile/profile.hpp"
#include "core/pwfile/query.hpp"
#include "core/pwfile/update.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

namespace mqpasswd::cli {

// Text safe for a terminal: control bytes become \xNN (usernames come from files).
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
};

// Prints the result (and the reload's, and warnings such as a weak hash written); returns the
// exit code: 0, or 1 when a requested reload failed after the file was written.
[[nodiscard]] int print_update(const Options& options, const UpdateSummary& summary);
void print_verify(const Options& options, const VerifyResult& result);
// Streams options.pwfile's users to stdout (text or --json), problems to stderr as warnings;
// returns the exit code (a --json listing that fails part way reports the error inside its object).
[[nodiscard]] int print_listing(const Options& options);

}  // namespace mqpasswd::cli
