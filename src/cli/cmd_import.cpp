// mqpasswd import PWFILE [SOURCE|-]: one read of the file, every record hashed once on all cores,
// one atomic write; nothing is written unless every record is valid (or --skip-invalid).
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/input/bulk_import.hpp"
#include "core/quote.hpp"

#include <chrono>
#include <unistd.h>
#include <unordered_map>

namespace mqpasswd::cli {
namespace {

// The hash each record gets: --hash, or the record's own override, for the target broker.
std::vector<HashSpec> specs_for(const ImportBatch& batch, const Options& options, const WriteTarget& target) {
    std::vector<HashSpec> specs;
    specs.reserve(batch.records.size());
    for (const auto& record : batch.records) {
        if (!record.hash) {
            specs.push_back(target.spec);
            continue;
        }
        HashRequest request{record.hash, {}};
        if (*record.hash == Algorithm::sha512_pbkdf2 && options.iterations) {
            request.iterations = static_cast<std::uint32_t>(*options.iterations);
        }
        try {
            specs.push_back(target_spec(target.broker, request, target.reason));
        } catch (const Error& error) {
            throw Error(ExitCode::failure, error.message(), source_label(options), record.line);
        }
    }
    return specs;
}

// A counter with an ETA on stderr, only where a person watches it.
std::function<void(std::size_t, std::size_t)> progress_for(const Options& options) {
    if (options.quiet || ::isatty(STDERR_FILENO) == 0) {
        return {};
    }
    const auto started = std::chrono::steady_clock::now();
    return [started](std::size_t done, std::size_t total) {
        print_import_progress(done, total,
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    };
}

// Users whose record asked for a hash other than the command's, so the report names what each got.
std::unordered_map<std::string, HashSpec> own_specs(const ImportBatch& batch, const std::vector<HashSpec>& specs,
                                                    const HashSpec& target) {
    std::unordered_map<std::string, HashSpec> own;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        const HashSpec& spec = specs[i];
        if (spec.algorithm != target.algorithm || spec.iterations != target.iterations ||
            spec.salt_length != target.salt_length) {
            own.emplace(batch.records[i].username, spec);
        }
    }
    return own;
}

}  // namespace

int run_import(const Options& options) {
    std::optional<ImportFormat> format;
    if (!options.format.empty() && !(format = import_format_from_name(options.format))) {
        throw Error(ExitCode::usage, "--format must be lines, csv, jsonl or json, not " + quoted_name(options.format));
    }
    const WriteTarget target = resolve_target(options);
    check_reload_before_write(options);
    check_target_before_reading(options);  // before SOURCE is consumed
    const Secret content = read_import_source(options.source);
    const ImportBatch batch = parse_import(content.text(), format, source_label(options), options.skip_invalid);
    BulkImportOptions bulk{options.prune, options.jobs, progress_for(options), {}};
    if (options.prune) {
        check_prune_is_safe(batch, source_label(options));
        for (const auto& skipped : batch.skipped) {
            bulk.also_named.push_back(*skipped.username);
        }
    }
    const std::vector<HashSpec> specs = specs_for(batch, options, target);
    const auto own = own_specs(batch, specs, target.spec);
    const UpdateResult result = update_password_file(options.pwfile, update_options(options), [&](PwFile& file) {
        return import_users(file, batch.records, specs, target.broker, bulk);
    });
    UpdateSummary summary{result, &target, nullptr, options.skip_invalid ? &batch.skipped : nullptr, true};
    summary.own_specs = &own;
    return finish_update(options, summary);
}

}  // namespace mqpasswd::cli
