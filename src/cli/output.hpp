// Everything mqpasswd prints: human text or --json on stdout, warnings and errors on stderr.
#pragma once

#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/import_source.hpp"
#include "core/profile.hpp"
#include "core/query.hpp"
#include "core/update.hpp"

#include <string>
#include <string_view>

namespace mqpasswd::cli {

// Text safe for a terminal: control bytes become \xNN (usernames come from files).
[[nodiscard]] std::string printable(std::string_view text);

// How messages name an import SOURCE ("standard input" for "-").
[[nodiscard]] std::string source_label(const Options& options);

void print_error(const Error& error);
void print_warning(std::string_view message);

[[nodiscard]] std::string describe_hash(const HashInfo& info);

// The hash a command writes and why: the spec and the broker profile it was chosen for.
struct WriteTarget {
    HashSpec spec;
    BrokerVersion broker = BrokerVersion::v2_0;
    std::string reason;  // how the broker version was decided
};

// What set/delete/upgrade did. `target` is absent for delete, which writes no hash;
// `generated` is the --generate password, printed once (it is the user's to keep).
struct UpdateSummary {
    const UpdateResult& result;
    const WriteTarget* target = nullptr;
    const Secret* generated = nullptr;
    const std::vector<SkippedRecord>* skipped = nullptr;  // import --skip-invalid
    bool counts_only = false;                             // text output: one line of counts instead of a line per user
};

void print_update(const Options& options, const UpdateSummary& summary);
void print_verify(const Options& options, const VerifyResult& result);
// Streams options.pwfile's users to stdout (text or --json), problems to stderr as warnings.
void print_listing(const Options& options);

}  // namespace mqpasswd::cli
