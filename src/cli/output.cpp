// Output formats. Hashes never reach this file except masked; passwords only as --generate's result,
// which goes alone to stdout and never into JSON.
#include "cli/output.hpp"

#include "cli/json.hpp"
#include "core/crypto/secret.hpp"
#include "core/pwfile/diff.hpp"
#include "core/quote.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace mqpasswd::cli {
namespace {

// The spec as the HashInfo it will produce, so specs and stored hashes print alike.
HashInfo info_of(const HashSpec& spec) {
    HashInfo info;
    info.kind = spec.algorithm == Algorithm::sha512          ? HashKind::sha512
                : spec.algorithm == Algorithm::sha512_pbkdf2 ? HashKind::sha512_pbkdf2
                                                             : HashKind::argon2id;
    info.iterations = spec.iterations;
    info.salt_length = spec.salt_length;
    info.argon2 = spec.argon2;
    return info;
}

// "alice, bob and 3 more": names in a message, never an unbounded list.
std::string name_list(const std::vector<std::string>& names) {
    constexpr std::size_t shown = 5;
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
        text += (i == 0 ? "" : ", ") + quoted_name(names[i]);
    }
    if (names.size() > shown) {
        text += " and " + std::to_string(names.size() - shown) + " more";
    }
    return text;
}

JsonObject hash_fields(const HashInfo& info) {
    JsonObject object;
    object.field("algorithm", kind_name(info.kind));
    if (info.kind == HashKind::sha512_pbkdf2) {
        object.field("iterations", static_cast<unsigned long long>(info.iterations));
    }
    if (info.kind == HashKind::argon2id) {
        object.field("memory_kib", static_cast<unsigned long long>(info.argon2.memory_kib));
        object.field("time_cost", static_cast<unsigned long long>(info.argon2.time_cost));
        object.field("parallelism", static_cast<unsigned long long>(info.argon2.parallelism));
    }
    if (info.salt_length != 0) {
        object.field("salt_length", static_cast<unsigned long long>(info.salt_length));
    }
    return object;
}

std::string target_json(const WriteTarget& target) {
    return hash_fields(info_of(target.spec))
        .field("broker_version", broker_version_name(target.broker.version))
        .field("broker_argon2", argon2_support_name(target.broker.argon2))
        .field("broker_version_reason", target.reason)
        .str();
}

std::string describe_target(const WriteTarget& target) {
    return describe_hash(info_of(target.spec)) + "; for " + target.reason;
}

std::string users_with(const EditReport& report, Action action) {
    JsonArray users;
    for (const auto& change : report.changes) {
        if (change.action == action) {
            users.add_string(change.user);
        }
    }
    return users.str();
}

bool writes_hash(Action action) {
    return action == Action::added || action == Action::updated || action == Action::rehashed ||
           action == Action::upgraded;
}

// The spec written for `user`: its own (an import record's hash column) or the command's.
const HashSpec* spec_of(const UpdateSummary& summary, const std::string& user) {
    if (summary.own_specs != nullptr) {
        if (const auto found = summary.own_specs->find(user); found != summary.own_specs->end()) {
            return &found->second;
        }
    }
    return summary.target != nullptr ? &summary.target->spec : nullptr;
}

std::string masked_diff(const Options& options, const UpdateSummary& summary) {
    return unified_diff(summary.result.masked_changes, summary.result.created ? "/dev/null" : options.pwfile,
                        options.pwfile + " (dry run)");
}

// One line per user in JSON: what was done and, where a hash was written, which.
std::string users_json(const UpdateSummary& summary) {
    JsonArray users;
    for (const auto& change : summary.result.report.changes) {
        JsonObject object;
        object.field("user", change.user).field("action", action_name(change.action));
        const HashSpec* spec = spec_of(summary, change.user);
        if (writes_hash(change.action) && spec != nullptr) {
            object.raw("hash", hash_fields(info_of(*spec)).str());
        }
        users.add(object.str());
    }
    return users.str();
}

std::string reload_json(const ReloadOutcome& reload) {
    JsonObject object;
    object.field("reloaded", reload.reloaded);
    if (!reload.how.empty()) {
        object.field("how", reload.how);
    }
    if (!reload.problem.empty()) {
        object.field("problem", reload.problem);
    }
    return object.str();
}

void print_update_json(const Options& options, const UpdateSummary& summary, const std::vector<std::string>& warnings,
                       const std::string& failure) {
    const EditReport& report = summary.result.report;
    JsonObject object;
    object.field("file", options.pwfile)
        .field("changed", report.changed())
        .field("written", summary.result.written)
        .field("dry_run", options.dry_run)
        .field("created", summary.result.created);
    for (const auto action : {Action::added, Action::updated, Action::rehashed}) {
        object.raw(action_name(action), users_with(report, action));
    }
    const auto unchanged = std::count_if(report.changes.begin(), report.changes.end(),
                                         [](const UserChange& change) { return change.action == Action::unchanged; });
    object.field("unchanged", static_cast<unsigned long long>(unchanged));
    for (const auto action : {Action::removed, Action::missing, Action::upgraded}) {
        object.raw(action_name(action), users_with(report, action));
    }
    object.raw("users", users_json(summary));
    if (summary.target != nullptr) {
        object.raw("hash", target_json(*summary.target));
    }
    if (summary.skipped != nullptr) {
        JsonArray skipped;
        for (const auto& record : *summary.skipped) {
            JsonObject entry;
            entry.field("line", static_cast<unsigned long long>(record.line)).field("reason", record.reason);
            if (record.username) {
                entry.field("user", *record.username);
            }
            skipped.add(entry.str());
        }
        object.raw("skipped", skipped.str());
    }
    JsonArray warning_list;
    for (const auto& warning : warnings) {
        warning_list.add_string(warning);
    }
    object.raw("warnings", warning_list.str());
    if (summary.reload != nullptr && summary.reload->requested) {
        object.raw("reload", reload_json(*summary.reload));
    }
    if (options.dry_run) {
        object.field("diff", masked_diff(options, summary));
    }
    if (!failure.empty()) {
        object.field("error", failure);
    }
    object.field("exit_code", static_cast<unsigned long long>(failure.empty() ? ExitCode::ok : ExitCode::failure));
    std::cout << object.str() << '\n';
}

// "pw: 9998 added, 2 unchanged" for bulk commands, where a line per user would be noise.
void print_counts(std::ostream& out, const Options& options, const UpdateSummary& summary) {
    std::string counts;
    for (const auto action : {Action::added, Action::updated, Action::rehashed, Action::unchanged, Action::removed}) {
        const auto count = std::count_if(summary.result.report.changes.begin(), summary.result.report.changes.end(),
                                         [&](const UserChange& change) { return change.action == action; });
        if (count > 0) {
            counts += (counts.empty() ? "" : ", ") + std::to_string(count) + ' ' + std::string(action_name(action));
        }
    }
    out << printable(options.pwfile) << ": " << (options.dry_run ? "would be: " : "")
        << (counts.empty() ? "no users" : counts);
    const auto& changes = summary.result.report.changes;
    if (summary.target != nullptr && std::any_of(changes.begin(), changes.end(), [&](const UserChange& change) {
            return writes_hash(change.action) && spec_of(summary, change.user) == &summary.target->spec;
        })) {
        out << " (" << describe_target(*summary.target) << ')';
    }
    out << '\n';
    // Removal is the one change a count hides best: name them.
    std::vector<std::string> removed;
    for (const auto& change : changes) {
        if (change.action == Action::removed) {
            removed.push_back(change.user);
        }
    }
    if (!removed.empty()) {
        out << printable(options.pwfile) << ": " << (options.dry_run ? "would be removed: " : "removed: ")
            << printable(name_list(removed)) << '\n';
    }
    // Users whose record chose another hash: named, so the text says what was written for each.
    if (summary.own_specs == nullptr || summary.target == nullptr) {
        return;
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // description -> users
    for (const auto& change : summary.result.report.changes) {
        const HashSpec* spec = spec_of(summary, change.user);
        if (!writes_hash(change.action) || spec == &summary.target->spec) {
            continue;
        }
        const std::string description = describe_hash(info_of(*spec));
        auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == description; });
        if (group == groups.end()) {
            groups.push_back({description, {}});
            group = groups.end() - 1;
        }
        group->second.push_back(change.user);
    }
    for (const auto& [description, users] : groups) {
        out << printable(options.pwfile) << ": " << (options.dry_run ? "would be " : "") << "written with "
            << description << ": " << printable(name_list(users)) << '\n';
    }
}

void print_update_text(std::ostream& out, const Options& options, const UpdateSummary& summary) {
    const auto& result = summary.result;
    const std::string prefix = options.dry_run ? "would be " : "";
    if (summary.counts_only) {
        print_counts(out, options, summary);
    }
    for (const auto& change : result.report.changes) {
        if (summary.counts_only) {
            break;
        }
        out << printable(options.pwfile) << ": " << printable(change.user) << ' ' << prefix
            << action_name(change.action);
        if (const HashSpec* spec = spec_of(summary, change.user); writes_hash(change.action) && spec != nullptr) {
            out << " (" << describe_hash(info_of(*spec))
                << (summary.target != nullptr ? "; for " + summary.target->reason : std::string()) << ')';
        }
        out << '\n';
    }
    if (options.dry_run) {
        out << masked_diff(options, summary);
        out << "dry run: nothing was written\n";
    } else if (!result.report.changed() && !summary.counts_only) {
        out << printable(options.pwfile) << ": nothing to change\n";
    }
}

void print_reload_text(std::ostream& out, const ReloadOutcome& reload, bool dry_run) {
    if (!reload.requested || reload.failed) {
        return;
    }
    if (reload.reloaded) {
        out << "reloaded: " << printable(reload.how) << '\n';
    } else if (dry_run) {
        out << "dry run: would reload: " << printable(reload.how) << '\n';
    } else {
        out << "not reloaded: " << printable(reload.problem) << '\n';
    }
}

// A weak hash is written only when asked for, and then said out loud: sha512 is one salted
// SHA-512, which a GPU tries billions of times a second.
std::vector<std::string> weak_hash_warnings(const Options& options, const UpdateSummary& summary) {
    std::vector<std::string> weak;
    std::vector<std::string> few_iterations;
    for (const auto& change : summary.result.report.changes) {
        const HashSpec* spec = spec_of(summary, change.user);
        if (!writes_hash(change.action) || spec == nullptr) {
            continue;
        }
        if (spec->algorithm == Algorithm::sha512) {
            weak.push_back(change.user);
        } else if (spec->algorithm == Algorithm::sha512_pbkdf2 && spec->iterations < default_iterations) {
            few_iterations.push_back(change.user);
        }
    }
    std::vector<std::string> warnings;
    const std::string verb = options.dry_run ? "would write " : "wrote ";
    if (!weak.empty()) {
        warnings.push_back(options.pwfile + ": " + verb + name_list(weak) +
                           " with sha512, a single salted SHA-512 that is fast to brute-force; sha512-pbkdf2 (the "
                           "default) is not");
    }
    if (!few_iterations.empty()) {
        warnings.push_back(options.pwfile + ": " + verb + name_list(few_iterations) + " with fewer than " +
                           std::to_string(default_iterations) + " PBKDF2 iterations, which check calls weak");
    }
    return warnings;
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            char escaped[8];
            (void)std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(byte));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out;
}

std::string source_label(const Options& options) {
    return options.source == "-" ? "standard input" : options.source;
}

void print_error(const Error& error) {
    std::cerr << "mqpasswd: " << printable(describe(error)) << '\n';
}

void print_error_json(const Error& error) {
    JsonObject object;
    object.field("error", describe(error)).field("exit_code", static_cast<unsigned long long>(error.code()));
    if (!error.path().empty()) {
        object.field("path", error.path());
    }
    if (error.line() != 0) {
        object.field("line", static_cast<unsigned long long>(error.line()));
    }
    std::cout << object.str() << '\n' << std::flush;
}

void print_warning(std::string_view message) {
    std::cerr << "mqpasswd: warning: " << printable(message) << '\n';
}

std::string describe_hash(const HashInfo& info) {
    std::string text(kind_name(info.kind));
    if (info.kind == HashKind::sha512_pbkdf2) {
        text += ", " + std::to_string(info.iterations) + " iterations";
    }
    if (info.kind == HashKind::argon2id) {
        text += ", m=" + std::to_string(info.argon2.memory_kib) + " KiB t=" + std::to_string(info.argon2.time_cost) +
                " p=" + std::to_string(info.argon2.parallelism);
    }
    if (info.salt_length != 0) {
        text += ", " + std::to_string(info.salt_length) + "-byte salt";
    }
    return text;
}

int print_update(const Options& options, const UpdateSummary& summary) {
    std::vector<std::string> warnings = summary.result.report.warnings;
    for (auto& warning : warnings) {
        warning = options.pwfile + ": " + warning;
    }
    const auto weak = weak_hash_warnings(options, summary);
    warnings.insert(warnings.end(), weak.begin(), weak.end());
    for (const auto& warning : warnings) {
        print_warning(warning);
    }
    if (summary.skipped != nullptr) {
        for (const auto& record : *summary.skipped) {
            print_warning(source_label(options) + ":" + std::to_string(record.line) + ": skipped: " + record.reason);
        }
    }
    const ReloadOutcome none;
    const ReloadOutcome& reload = summary.reload != nullptr ? *summary.reload : none;
    std::string failure;
    if (reload.failed && options.dry_run) {
        failure = "dry run: the broker could not be reloaded: " + reload.problem;
    } else if (reload.failed) {
        failure = options.pwfile + " was written, but the broker was not reloaded: " + reload.problem +
                  "; once that is fixed, run: mqpasswd broker reload" +
                  (options.conf.empty() ? "" : " --conf " + options.conf);
    }
    if (options.json) {
        print_update_json(options, summary, warnings, failure);
    } else {
        // With --generate stdout holds the password alone (nothing on a dry run, which stores none),
        // so that PW=$(mqpasswd set ... --generate) holds exactly it; the report goes to stderr.
        const bool generated = summary.generated != nullptr && !options.dry_run;
        if (generated) {
            // The one thing printed even with --quiet: without it the new account is unusable.
            const auto bytes = summary.generated->bytes();
            std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            std::cout << '\n' << std::flush;
        }
        std::ostream& out = summary.generated != nullptr ? std::cerr : std::cout;
        if (!options.quiet) {
            print_update_text(out, options, summary);
            print_reload_text(out, reload, options.dry_run);
        }
    }
    if (reload.failed) {
        std::cerr << "mqpasswd: " << printable(failure) << '\n';
        return static_cast<int>(ExitCode::failure);
    }
    return 0;
}

void print_verify(const Options& options, const VerifyResult& result) {
    const bool match = result.verification == Verification::match;
    if (options.json) {
        JsonObject object;
        object.field("file", options.pwfile).field("user", options.users.front()).field("match", match);
        object.field("line", static_cast<unsigned long long>(result.line));
        object.raw("hash", hash_fields(result.info).str());
        object.field("exit_code", static_cast<unsigned long long>(match ? ExitCode::ok : ExitCode::verify_failed));
        std::cout << object.str() << '\n';
        return;
    }
    if (!options.quiet) {
        std::cout << printable(options.pwfile) << ": " << printable(options.users.front())
                  << (match ? ": password matches" : ": password does not match") << " (" << describe_hash(result.info)
                  << ")\n";
    }
}

int print_listing(const Options& options) {
    ListingHandlers handlers;
    handlers.problem = [&](const LineProblem& problem) {
        print_warning(options.pwfile + ":" + std::to_string(problem.line) + ": " + problem.message);
    };
    if (options.json) {
        // {"file":...,"users":[...]} written as it streams. A failure once it has begun still closes
        // the one object, with the error in it, so that stdout always parses.
        bool first = true;
        const std::string head = JsonObject().field("file", options.pwfile).str();
        handlers.user = [&](const UserInfo& user) {
            std::string fields = hash_fields(user.info).str();
            fields.erase(0, 1);  // splice the hash fields into the user's object
            std::string object =
                JsonObject().field("user", user.user).field("line", static_cast<unsigned long long>(user.line)).str();
            object.back() = ',';
            std::cout << (first ? head.substr(0, head.size() - 1) + ",\"users\":[" : ",") << object << fields;
            first = false;
        };
        try {
            list_users(options.pwfile, handlers);
        } catch (const Error& error) {
            if (first) {
                throw;  // nothing printed yet: main prints the error object
            }
            std::cout << "],\"error\":" << json_string(describe(error))
                      << ",\"exit_code\":" << static_cast<int>(error.code()) << "}\n";
            print_error(error);
            return static_cast<int>(error.code());
        }
        std::cout << (first ? head.substr(0, head.size() - 1) + ",\"users\":[" : "") << "],\"exit_code\":0}\n";
        return 0;
    }
    std::size_t width = 0;
    handlers.name = [&](std::string_view name) { width = std::max(width, printable(name).size()); };
    handlers.user = [&](const UserInfo& user) {
        if (!options.quiet) {
            const std::string name = printable(user.user);
            std::cout << name << std::string(width - name.size() + 2, ' ') << describe_hash(user.info) << '\n';
        }
    };
    list_users(options.pwfile, handlers);
    return 0;
}

}  // namespace mqpasswd::cli
