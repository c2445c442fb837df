// mqpasswd dynsec export PWFILE DYNSEC_JSON and dynsec import DYNSEC_JSON PWFILE: users move between
// a password file and the dynamic-security plugin's file with their hashes as they are, so no
// device needs a new password. What cannot be carried over is refused, or listed and left out.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/dynsec/dynsec_file.hpp"
#include "core/dynsec/dynsec_update.hpp"
#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/quote.hpp"

namespace mqpasswd::cli {
namespace {

std::string who(const Unconvertible& entry) {
    return entry.user.empty() ? std::string("a line that names no user") : "user " + quoted_name(entry.user);
}

// Refuses the first user that cannot be carried over (file, line, user, why), unless
// --skip-unconvertible: then every such user is listed, never silently dropped.
std::vector<SkippedRecord> refuse_or_list(const Conversion& conversion, const std::string& from,
                                          const Options& options) {
    const auto& unconvertible = conversion.unconvertible;
    if (!unconvertible.empty() && !options.skip_unconvertible) {
        const Unconvertible& first = unconvertible.front();
        const std::string more =
            unconvertible.size() > 1 ? " (and " + std::to_string(unconvertible.size() - 1) + " more)" : "";
        throw Error(ExitCode::failure,
                    "cannot carry over " + who(first) + ": " + first.reason + more +
                        "; nothing was written (--skip-unconvertible leaves such users out)",
                    from, first.line);
    }
    std::vector<SkippedRecord> listed;
    for (const auto& entry : unconvertible) {
        listed.push_back({entry.line, who(entry) + ": " + entry.reason,
                          entry.user.empty() ? std::nullopt : std::optional<std::string>(entry.user)});
    }
    return listed;
}

// The file a command reads, whole; never through a link, never anything but a regular file.
FileSnapshot read_existing(const std::string& path) {
    FileSnapshot snapshot = read_file(path);
    if (!snapshot.exists) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    return snapshot;
}

// How the report names things: the file written as the file, the file read as the source.
Options shown_as(const Options& options, const std::string& written, const std::string& read) {
    Options shown = options;
    shown.pwfile = written;
    shown.source = read;
    return shown;
}

std::string export_note(const ResolvedProfile& profile, const UpdateResult& result) {
    const bool v2_0 = profile.target.version == BrokerVersion::v2_0;
    std::string note = std::string("clients in the ") +
                       (v2_0 ? "2.0 form (password, salt, iterations)" : "2.1 form (encoded_password)") + ", for " +
                       profile.reason;
    if (result.written) {
        note += "; restart the broker to load them (a running plugin keeps its own copy and saves it over the "
                "file on its next change)";
    }
    return note;
}

}  // namespace

int run_dynsec_export(const Options& options) {
    const ResolvedProfile profile =
        resolve_profile(options.broker_version, options.broker_argon2, detection_cache(options));
    check_target_before_reading(shown_as(options, options.dynsec_file, options.pwfile));
    const PwFile pwfile = PwFile::parse(std::move(read_existing(options.pwfile).content), options.pwfile);
    if (const auto duplicates = pwfile.duplicate_users(); !duplicates.empty()) {
        throw Error(ExitCode::failure, duplicates.front().message + " (which one should the client get? delete one)",
                    options.pwfile, duplicates.front().line);
    }
    const Conversion conversion = exportable_users(pwfile, profile.target);
    const std::vector<SkippedRecord> skipped = refuse_or_list(conversion, options.pwfile, options);
    const UpdateResult result = update_dynsec_file(options.dynsec_file, update_options(options), [&](JsonValue& file) {
        return export_clients(file, conversion.passwords, profile.target);
    });
    const std::string note = export_note(profile, result);
    UpdateSummary summary{result, nullptr, nullptr, options.skip_unconvertible ? &skipped : nullptr};
    summary.note = &note;
    return print_update(shown_as(options, options.dynsec_file, options.pwfile), summary);
}

int run_dynsec_import(const Options& options) {
    const WriteTarget target = resolve_target(options);
    check_target_before_reading(options);
    const JsonValue document = read_dynsec_file(options.dynsec_file);
    const Conversion conversion = importable_clients(document, target.broker);
    const std::vector<SkippedRecord> skipped = refuse_or_list(conversion, options.dynsec_file, options);
    const UpdateResult result = update_password_file(options.pwfile, update_options(options), [&](PwFile& file) {
        return import_hashes(file, conversion.passwords);
    });
    UpdateSummary summary{result, nullptr, nullptr, options.skip_unconvertible ? &skipped : nullptr};
    return print_update(shown_as(options, options.pwfile, options.dynsec_file), summary);
}

}  // namespace mqpasswd::cli
