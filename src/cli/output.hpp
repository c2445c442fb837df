// Everything mqpasswd prints: human text or --json on stdout, warnings and errors on stderr.
#pragma once

#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/query.hpp"
#include "core/update.hpp"

#include <string>
#include <string_view>

namespace mqpasswd::cli {

// Text safe for a terminal: control bytes become \xNN (usernames come from files).
[[nodiscard]] std::string printable(std::string_view text);

void print_error(const Error& error);
void print_warning(std::string_view message);

[[nodiscard]] std::string describe_hash(const HashInfo& info);
[[nodiscard]] std::string describe_spec(const HashSpec& spec);

// What set/delete/upgrade did. `target` describes the hash written (empty for delete);
// `generated` is the --generate password, printed once (it is the user's to keep).
struct UpdateSummary {
    const UpdateResult& result;
    std::string target;
    std::string target_json;  // a JSON object, or "" for none
    const Secret* generated = nullptr;
};

void print_update(const Options& options, const UpdateSummary& summary);
void print_verify(const Options& options, const VerifyResult& result);
void print_listing(const Options& options, const Listing& listing);

}  // namespace mqpasswd::cli
