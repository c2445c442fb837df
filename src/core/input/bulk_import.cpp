// Threads take records by an atomic counter and write only their own slot of the result vector;
// the file is touched afterwards on one thread. Verification and hashing are the whole cost, so
// this scales with cores while the file edit stays linear.
#include "core/input/bulk_import.hpp"

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/pwfile/profile.hpp"
#include "core/pwfile/username.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace mqpasswd {
namespace {

struct Decision {
    Action action = Action::added;
    NewEntry line;  // the new line, built on the hashing thread; unused when unchanged
};

// Runs `work(first, last)` over chunks covering [0, count) on `jobs` threads, reporting progress
// from this one.
// Threads claim records in chunks, and the shared counters sit on their own cache lines: a
// counter bounced between cores on every record costs more than a short hash does. A chunk is 16
// to 64 records, a multiple of 8 (the widest SIMD lane set, which a chunk's hashes fill), and small
// enough that every thread gets about eight.
void run_parallel(std::size_t count, unsigned jobs, const std::function<void(std::size_t, std::size_t)>& work,
                  const std::function<void(std::size_t, std::size_t)>& progress) {
    const std::size_t chunk = std::clamp<std::size_t>(count / (std::max(jobs, 1U) * 8) / 8 * 8, 16, 64);
    alignas(64) std::atomic<std::size_t> next{0};
    alignas(64) std::atomic<std::size_t> done{0};
    alignas(64) std::atomic<bool> failed{false};
    std::exception_ptr failure;
    const auto worker = [&] {
        for (std::size_t first = next.fetch_add(chunk); first < count && !failed; first = next.fetch_add(chunk)) {
            const std::size_t last = std::min(count, first + chunk);
            try {
                work(first, last);
            } catch (...) {
                if (!failed.exchange(true)) {
                    failure = std::current_exception();
                }
            }
            done.fetch_add(last - first, std::memory_order_relaxed);
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < std::min<std::size_t>(jobs, (count + chunk - 1) / chunk); ++t) {
        threads.emplace_back(worker);
    }
    while (progress && done < count && !failed) {
        progress(done, count);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& thread : threads) {
        thread.join();
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    if (progress) {
        progress(done, count);
    }
}

using ExistingUsers = std::unordered_map<std::string_view, std::pair<const PwLine*, std::size_t>>;  // first, count

// Each user the file names: the first line naming them, and how many lines do.
ExistingUsers existing_users(const PwFile& file) {
    ExistingUsers existing;
    for (const auto& line : file.lines()) {
        if (!line.username.empty()) {
            auto& [first, count] = existing.try_emplace(line.username, &line, 0).first->second;
            ++count;
        }
    }
    return existing;
}

// The salts of records [first, last), end to end, from one random_bytes call: a call per record costs
// ~5% of a hash.
std::vector<std::uint8_t> chunk_salts(const std::vector<HashSpec>& specs, std::size_t first, std::size_t last) {
    std::vector<std::uint8_t> salts;
    for (std::size_t i = first; i < last; ++i) {
        salts.resize(salts.size() + specs[i].salt_length);
    }
    random_bytes(salts);
    return salts;
}

struct Existing {
    const PwLine* line = nullptr;  // the first line naming the user; nothing when there is none
    bool single = true;            // the only line naming them
};

// Each existing user's line checked against the record's password, together (verify_hashes runs
// the $7$ ones side by side): the verification is most of a re-run's cost.
std::vector<Verification> verify_existing(const std::vector<Existing>& found, const std::vector<ImportRecord>& records,
                                          std::size_t first) {
    std::vector<VerifyInput> inputs;
    std::vector<std::size_t> checked;
    for (std::size_t n = 0; n < found.size(); ++n) {
        if (found[n].line != nullptr && found[n].line->kind == LineKind::entry) {
            inputs.push_back({found[n].line->hash, &records[first + n].password});
            checked.push_back(n);
        }
    }
    const std::vector<Verification> results = verify_hashes(inputs);
    std::vector<Verification> verified(found.size(), Verification::mismatch);
    for (std::size_t k = 0; k < checked.size(); ++k) {
        verified[checked[k]] = results[k];
    }
    return verified;
}

// The decisions of records [first, last): each checked against the file, then the new lines'
// hashes made together (make_hashes runs the $7$ ones side by side in SIMD lanes).
void decide_chunk(const ExistingUsers& existing, const std::vector<ImportRecord>& records,
                  const std::vector<HashSpec>& specs, const BrokerTarget& broker, std::size_t first, std::size_t last,
                  std::vector<Decision>& decisions) {
    std::vector<Existing> found;
    for (std::size_t i = first; i < last; ++i) {
        const auto user = existing.find(records[i].username);
        found.push_back(user == existing.end() ? Existing{} : Existing{user->second.first, user->second.second == 1});
    }
    const std::vector<Verification> verified = verify_existing(found, records, first);
    const std::vector<std::uint8_t> salts = chunk_salts(specs, first, last);
    std::vector<HashInput> inputs;
    std::vector<std::size_t> hashed;
    for (std::size_t i = first, offset = 0; i < last; offset += specs[i].salt_length, ++i) {
        const Existing& user = found[i - first];
        decisions[i].action = user.line == nullptr
                                  ? Action::added
                                  : action_on_existing(*user.line, user.single, verified[i - first], specs[i], broker);
        if (decisions[i].action != Action::unchanged) {
            inputs.push_back({&specs[i], &records[i].password, {salts.data() + offset, specs[i].salt_length}});
            hashed.push_back(i);
        }
    }
    const std::vector<std::string> hashes = make_hashes(inputs);
    for (std::size_t n = 0; n < hashed.size(); ++n) {
        decisions[hashed[n]].line = new_entry(records[hashed[n]].username, hashes[n]);
    }
}

// What to do with each record, checked and hashed on all cores.
std::vector<Decision> decide_all(const ExistingUsers& existing, const std::vector<ImportRecord>& records,
                                 const std::vector<HashSpec>& specs, const BrokerTarget& broker,
                                 const BulkImportOptions& options) {
    std::vector<Decision> decisions(records.size());
    run_parallel(
        records.size(), effective_jobs(options.jobs),
        [&](std::size_t first, std::size_t last) {
            decide_chunk(existing, records, specs, broker, first, last, decisions);
        },
        options.progress);
    return decisions;
}

// Writes the decided lines into the file, in source order; the report lists every record.
EditReport apply_decisions(PwFile& file, const std::vector<ImportRecord>& records, std::vector<Decision>& decisions) {
    EditReport report;
    std::vector<NewEntry> writes;
    writes.reserve(records.size());
    report.changes.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        report.changes.push_back({records[i].username, decisions[i].action});
        if (decisions[i].action != Action::unchanged) {
            writes.push_back(std::move(decisions[i].line));
        }
    }
    file.set_all(std::move(writes));
    return report;
}

// --prune: removes every user neither the records nor `also_named` name, adding them to `report`.
void prune_unnamed(PwFile& file, const std::vector<ImportRecord>& records, const std::vector<std::string>& also_named,
                   EditReport& report) {
    std::unordered_set<std::string_view> wanted;
    for (const auto& record : records) {
        wanted.insert(record.username);
    }
    for (const auto& name : also_named) {
        wanted.insert(name);
    }
    for (auto& user : file.remove_unless([&](std::string_view name) { return wanted.contains(name); })) {
        report.changes.push_back({std::move(user), Action::removed});
    }
}

}  // namespace

void check_prune_is_safe(const ImportBatch& batch, const std::string& source_name) {
    if (batch.guessed) {
        throw Error(ExitCode::usage,
                    "--prune removes users, so it never runs on a guessed format: give --format "
                    "(lines, csv, jsonl or json)",
                    source_name);
    }
    for (const auto& skipped : batch.skipped) {
        // A name the broker would read differently (`alice `, `alice\0...`) may mean a user the file
        // has under another spelling: that record names nobody prune can be sure of.
        if (!skipped.username || username_problem(*skipped.username)) {
            throw Error(ExitCode::failure,
                        "not pruning: this record was skipped and the user it names cannot be told for sure, so "
                        "any user could be one the source means to keep; nothing was changed",
                        source_name, skipped.line);
        }
    }
}

unsigned effective_jobs(unsigned jobs) noexcept {
    if (jobs != 0) {
        return jobs;
    }
    const unsigned cpus = std::thread::hardware_concurrency();
    return cpus == 0 ? 1 : cpus;
}

EditReport import_users(PwFile& file, const std::vector<ImportRecord>& records, const std::vector<HashSpec>& specs,
                        const BrokerTarget& broker, const BulkImportOptions& options) {
    ExistingUsers existing = existing_users(file);
    std::vector<Decision> decisions = decide_all(existing, records, specs, broker, options);
    existing.clear();  // it points into the file's lines, which change now
    EditReport report = apply_decisions(file, records, decisions);
    if (options.prune) {
        prune_unnamed(file, records, options.also_named, report);
    }
    return report;
}

}  // namespace mqpasswd
