// Output formats, both fronts. Hashes never reach this file except masked; passwords only as
// --generate's result, which goes alone to stdout and never into JSON.
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

// The users a change of `action` was made to, in the file's order.
std::vector<std::string> names_with(const EditReport& report, Action action) {
    std::vector<std::string> names;
    for (const auto& change : report.changes) {
        if (change.action == action) {
            names.push_back(change.user);
        }
    }
    return names;
}

// How many users a change of `action` was made to.
std::size_t count_of(const EditReport& report, Action action) {
    return static_cast<std::size_t>(std::count_if(report.changes.begin(), report.changes.end(),
                                                  [&](const UserChange& change) { return change.action == action; }));
}

std::string string_array(const std::vector<std::string>& texts) {
    JsonArray array;
    for (const auto& text : texts) {
        array.add_string(text);
    }
    return array.str();
}

// Each line of `text` through printable(), its newlines kept: a diff shows a file's own lines.
std::string printable_lines(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        out += printable(text.substr(0, end));
        if (end < text.size()) {
            out += '\n';
        }
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
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

// What was done to whom: the users of each action, the unchanged ones only counted.
void add_changes(JsonObject& object, const EditReport& report) {
    for (const auto action : {Action::added, Action::updated, Action::rehashed}) {
        object.raw(action_name(action), string_array(names_with(report, action)));
    }
    object.field("unchanged", static_cast<unsigned long long>(count_of(report, Action::unchanged)));
    for (const auto action : {Action::removed, Action::missing, Action::upgraded}) {
        object.raw(action_name(action), string_array(names_with(report, action)));
    }
}

std::string skipped_json(const std::vector<SkippedRecord>& skipped) {
    JsonArray records;
    for (const auto& record : skipped) {
        JsonObject entry;
        entry.field("line", static_cast<unsigned long long>(record.line)).field("reason", record.reason);
        if (record.username) {
            entry.field("user", *record.username);
        }
        records.add(entry.str());
    }
    return records.str();
}

void print_update_json(const Options& options, const UpdateSummary& summary, const std::vector<std::string>& warnings,
                       const std::string& failure) {
    JsonObject object;
    object.field("file", options.pwfile)
        .field("changed", summary.result.report.changed())
        .field("written", summary.result.written)
        .field("dry_run", options.dry_run)
        .field("created", summary.result.created);
    add_changes(object, summary.result.report);
    object.raw("users", users_json(summary));
    if (summary.target != nullptr) {
        object.raw("hash", target_json(*summary.target));
    }
    if (summary.skipped != nullptr) {
        object.raw("skipped", skipped_json(*summary.skipped));
    }
    object.raw("warnings", string_array(warnings));
    if (summary.reload != nullptr && summary.reload->requested) {
        object.raw("reload", reload_json(*summary.reload));
    }
    if (options.dry_run) {
        object.field("diff", masked_diff(options, summary));
    }
    if (summary.note != nullptr) {
        object.field("note", *summary.note);
    }
    if (!failure.empty()) {
        object.field("error", failure);
    }
    object.field("exit_code", static_cast<unsigned long long>(failure.empty() ? ExitCode::ok : ExitCode::failure));
    std::cout << object.str() << '\n';
}

// "9998 added, 2 unchanged", in a fixed order; "" when nothing was counted.
std::string action_counts(const EditReport& report) {
    std::string counts;
    for (const auto action : {Action::added, Action::updated, Action::rehashed, Action::unchanged, Action::removed}) {
        if (const std::size_t count = count_of(report, action); count > 0) {
            counts += (counts.empty() ? "" : ", ") + std::to_string(count) + ' ' + std::string(action_name(action));
        }
    }
    return counts;
}

// Whether any user was written with the command's hash (not a record's own): the counts then name it.
bool wrote_target_hash(const UpdateSummary& summary) {
    const auto& changes = summary.result.report.changes;
    return summary.target != nullptr && std::any_of(changes.begin(), changes.end(), [&](const UserChange& change) {
               return writes_hash(change.action) && spec_of(summary, change.user) == &summary.target->spec;
           });
}

// Users whose record chose another hash than the command's, grouped by that hash's description.
std::vector<std::pair<std::string, std::vector<std::string>>> own_hash_groups(const UpdateSummary& summary) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    if (summary.own_specs == nullptr || summary.target == nullptr) {
        return groups;
    }
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
    return groups;
}

// "pw: 9998 added, 2 unchanged" for bulk commands, where a line per user would be noise.
void print_counts(std::ostream& out, const Options& options, const UpdateSummary& summary) {
    const std::string counts = action_counts(summary.result.report);
    out << printable(options.pwfile) << ": " << (options.dry_run ? "would be: " : "")
        << (counts.empty() ? "no users" : counts);
    if (wrote_target_hash(summary)) {
        out << " (" << printable(describe_target(*summary.target)) << ')';
    }
    out << '\n';
    // Removal is the one change a count hides best: name them.
    if (const auto removed = names_with(summary.result.report, Action::removed); !removed.empty()) {
        out << printable(options.pwfile) << ": " << (options.dry_run ? "would be removed: " : "removed: ")
            << printable(name_list(removed)) << '\n';
    }
    // Users whose record chose another hash: named, so the text says what was written for each.
    for (const auto& [description, users] : own_hash_groups(summary)) {
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
                << (summary.target != nullptr ? printable("; for " + summary.target->reason) : std::string()) << ')';
        }
        out << '\n';
    }
    if (options.dry_run) {
        out << printable_lines(masked_diff(options, summary));
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

// The edit's own warnings, named after the file, then those about weak hashes written.
std::vector<std::string> update_warnings(const Options& options, const UpdateSummary& summary) {
    std::vector<std::string> warnings = summary.result.report.warnings;
    for (auto& warning : warnings) {
        warning = options.pwfile + ": " + warning;
    }
    const auto weak = weak_hash_warnings(options, summary);
    warnings.insert(warnings.end(), weak.begin(), weak.end());
    return warnings;
}

// Why the command fails after all: a requested reload that did not happen. "" when it did.
std::string reload_failure(const Options& options, const ReloadOutcome& reload) {
    if (reload.failed && options.dry_run) {
        return "dry run: the broker could not be reloaded: " + reload.problem;
    }
    if (reload.failed) {
        return options.pwfile + " was written, but the broker was not reloaded: " + reload.problem +
               "; once that is fixed, run: mqpasswd broker reload" +
               (options.conf.empty() ? "" : " --conf " + options.conf);
    }
    return {};
}

// The text report: the result and the reload's, after a --generate password (if any).
void print_update_plain(const Options& options, const UpdateSummary& summary, const ReloadOutcome& reload) {
    // With --generate stdout holds the password alone (nothing on a dry run, which stores none),
    // so that PW=$(mqpasswd set ... --generate) holds exactly it; the report goes to stderr.
    if (summary.generated != nullptr && !options.dry_run) {
        // The one thing printed even with --quiet: without it the new account is unusable.
        const auto bytes = summary.generated->bytes();
        std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        std::cout << '\n' << std::flush;
    }
    std::ostream& out = summary.generated != nullptr ? std::cerr : std::cout;
    if (!options.quiet) {
        print_update_text(out, options, summary);
        if (summary.note != nullptr) {
            out << printable(*summary.note) << '\n';
        }
        print_reload_text(out, reload, options.dry_run);
    }
}

// {"file":...,"users":[...]} written as it streams. A failure once it has begun still closes
// the one object, with the error in it, so that stdout always parses.
int print_listing_json(const Options& options, ListingHandlers& handlers) {
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

// check --json: the findings, their counts and the exit code, in one object.
void print_check_json(const Options& options, const std::vector<Finding>& findings, std::size_t errors) {
    JsonArray list;
    for (const auto& finding : findings) {
        list.add(JsonObject()
                     .field("severity", finding.severity == Severity::error ? "error" : "warning")
                     .field("line", static_cast<unsigned long long>(finding.line))
                     .field("message", finding.message)
                     .str());
    }
    std::cout << JsonObject()
                     .field("file", options.pwfile)
                     .field("clean", findings.empty())
                     .field("errors", static_cast<unsigned long long>(errors))
                     .field("warnings", static_cast<unsigned long long>(findings.size() - errors))
                     .raw("findings", list.str())
                     .field("exit_code", static_cast<unsigned long long>(findings.empty() ? 0 : 1))
                     .str()
              << '\n';
}

// The dry run's diff of every file enable changes (a new include_dir file from /dev/null).
std::string enable_diff(const EnablePlan& plan) {
    std::string diff;
    for (const auto& change : plan.changes) {
        diff += unified_diff(line_diff(split_text_lines(change.before.value_or("")), split_text_lines(change.after)),
                             change.before ? change.path : "/dev/null", change.path + " (dry run)");
    }
    return diff;
}

void print_enable_plan_json(const Options& options, const std::string& conf, const EnablePlan& plan,
                            const std::string& permissions) {
    JsonArray files;
    for (const auto& change : plan.changes) {
        files.add_string(change.path);
    }
    JsonObject object;
    object.field("conf", conf).field("changed", !plan.changes.empty()).field("dry_run", options.dry_run);
    object.field("restart_needed", plan.restart_needed);
    if (!permissions.empty()) {
        object.field("pwfile_permissions", permissions);
    }
    object.raw("files", files.str()).raw("actions", string_array(plan.actions)).raw("notes", string_array(plan.notes));
    if (options.dry_run) {
        object.field("diff", enable_diff(plan));
    }
    object.field("exit_code", 0ULL);
    std::cout << object.str() << '\n';
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
    const std::vector<std::string> warnings = update_warnings(options, summary);
    for (const auto& warning : warnings) {
        print_warning(warning);
    }
    if (summary.skipped != nullptr) {
        for (const auto& record : *summary.skipped) {
            // Line 0: the record has no line (a dynsec client); the file alone names where it is.
            const std::string line = record.line == 0 ? "" : ":" + std::to_string(record.line);
            print_warning(source_label(options) + line + ": skipped: " + record.reason);
        }
    }
    const ReloadOutcome none;
    const ReloadOutcome& reload = summary.reload != nullptr ? *summary.reload : none;
    const std::string failure = reload_failure(options, reload);
    if (options.json) {
        print_update_json(options, summary, warnings, failure);
    } else {
        print_update_plain(options, summary, reload);
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
        return print_listing_json(options, handlers);
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

void print_check(const Options& options, const std::vector<Finding>& findings) {
    const auto errors = static_cast<std::size_t>(std::count_if(
        findings.begin(), findings.end(), [](const Finding& finding) { return finding.severity == Severity::error; }));
    if (options.json) {
        print_check_json(options, findings, errors);
        return;
    }
    for (const auto& finding : findings) {
        std::cout << printable(options.pwfile) << (finding.line != 0 ? ":" + std::to_string(finding.line) : "")
                  << (finding.severity == Severity::error ? ": error: " : ": warning: ") << printable(finding.message)
                  << '\n';
    }
    if (!options.quiet) {
        const std::size_t warnings = findings.size() - errors;
        std::cout << printable(options.pwfile) << ": "
                  << (findings.empty() ? "no problems found"
                                       : std::to_string(errors) + " errors, " + std::to_string(warnings) + " warnings")
                  << '\n';
    }
}

void print_broker_reload(const Options& options, const ReloadResult& result) {
    if (options.json) {
        std::cout << JsonObject()
                         .field("reloaded", !options.dry_run)
                         .field("dry_run", options.dry_run)
                         .field("how", result.how)
                         .field("exit_code", 0ULL)
                         .str()
                  << '\n';
    } else if (!options.quiet) {
        std::cout << (options.dry_run ? "dry run: would reload: " : "reloaded: ") << printable(result.how) << '\n';
    }
}

void print_enable_plan(const Options& options, const std::string& conf, const EnablePlan& plan,
                       const std::string& pwfile, const std::string& permissions) {
    if (options.json) {
        print_enable_plan_json(options, conf, plan, permissions);
        return;
    }
    for (const auto& note : plan.notes) {
        print_warning(note);  // on stderr, also with --quiet: each is something no edit says
    }
    if (options.quiet) {
        return;
    }
    if (!permissions.empty()) {
        // "owned by USER": the broker's user, as mosquitto.conf names it
        std::cout << printable(pwfile) << ": " << printable(permissions) << '\n';
    }
    if (plan.changes.empty()) {
        std::cout << printable(conf) << ": already set up for this password file; nothing to change\n";
        return;
    }
    for (const auto& action : plan.actions) {
        std::cout << (options.dry_run ? "would set " : "set ") << printable(action) << '\n';
    }
    if (options.dry_run) {
        std::cout << printable_lines(enable_diff(plan)) << "dry run: nothing was written\n";
    } else if (plan.restart_needed) {
        std::cout << "restart the broker to apply (a reload cannot add a listener or load a plugin; on Debian: "
                     "systemctl restart mosquitto)\n";
    } else {
        std::cout << "reload the broker to apply: mqpasswd broker reload --conf " << printable(conf) << '\n';
    }
}

void print_import_progress(std::size_t done, std::size_t total, double elapsed_seconds) {
    std::cerr << "\rhashing " << done << '/' << total;
    if (done > 0 && done < total) {
        std::cerr << ", about "
                  << static_cast<long>(elapsed_seconds * static_cast<double>(total - done) / static_cast<double>(done) +
                                       0.5)
                  << " s left   ";
    }
    if (done == total) {
        std::cerr << "            \n";
    }
    std::cerr << std::flush;
}

void print_help(std::string_view text) {
    std::cout << text << '\n';
}

void print_compat(std::string_view out, std::string_view err) {
    std::cout << out << std::flush;
    std::cerr << err << std::flush;
}

}  // namespace mqpasswd::cli
