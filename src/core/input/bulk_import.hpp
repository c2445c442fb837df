// A bulk import applied to a password file: every record checked and hashed on all cores, the
// results applied in source order, so the outcome does not depend on thread timing.
#pragma once

#include "core/input/import_source.hpp"
#include "core/pwfile/edit.hpp"

#include <functional>
#include <vector>

namespace mqpasswd {

struct BulkImportOptions {
    bool prune = false;  // remove users that are not in the source (declarative sync)
    unsigned jobs = 0;   // hashing threads; 0 = one per CPU
    // Called on the calling thread about every 100 ms while hashing runs: (done, total).
    std::function<void(std::size_t, std::size_t)> progress;
    // Names the source gave in records that were skipped (--skip-invalid): named, so never pruned.
    std::vector<std::string> also_named;
};

// `specs[i]` is the hash to write for `records[i]`. Idempotent as set_user: a password that
// already verifies against a hash meeting its spec is left byte for byte.
[[nodiscard]] EditReport import_users(PwFile& file, const std::vector<ImportRecord>& records,
                                      const std::vector<HashSpec>& specs, const BrokerTarget& broker,
                                      const BulkImportOptions& options);

// The rules that make --prune safe, in one place: it needs a format that was given, not guessed
// (a wrong guess reads every line as garbage and removes every real user), and every skipped
// record must still show which user it names. Throws Error(usage or failure) naming SOURCE; the
// caller has not touched the file yet. (A source with no records never gets here: parse_import
// refuses it.)
void check_prune_is_safe(const ImportBatch& batch, const std::string& source_name);

// The number of hashing threads `jobs` means here (0: the CPUs this process may use).
[[nodiscard]] unsigned effective_jobs(unsigned jobs) noexcept;

}  // namespace mqpasswd
