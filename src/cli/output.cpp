// Output formats. Hashes never reach this file except masked; passwords only as --generate's result.
#include "cli/output.hpp"

#include "cli/json.hpp"
#include "core/diff.hpp"
#include "core/secret.hpp"

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
        .field("broker_version", broker_version_name(target.broker))
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

void print_update_json(const Options& options, const UpdateSummary& summary) {
    const EditReport& report = summary.result.report;
    JsonObject object;
    object.field("file", options.pwfile)
        .field("changed", report.changed())
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
    if (summary.target != nullptr) {
        object.raw("hash", target_json(*summary.target));
    }
    if (summary.skipped != nullptr) {
        JsonArray skipped;
        for (const auto& record : *summary.skipped) {
            skipped.add(JsonObject()
                            .field("line", static_cast<unsigned long long>(record.line))
                            .field("reason", record.reason)
                            .str());
        }
        object.raw("skipped", skipped.str());
    }
    if (options.dry_run) {
        object.field("diff", unified_diff(summary.result.masked_changes, options.pwfile, options.pwfile + " (new)"));
    }
    if (summary.generated != nullptr && !options.dry_run) {
        const auto bytes = summary.generated->bytes();
        std::string password(bytes.begin(), bytes.end());
        object.field("generated_password", password);
        wipe(password);
    }
    std::string text = object.str();
    std::cout << text << '\n';
    wipe(text);
}

// "pw: 9998 added, 2 unchanged" for bulk commands, where a line per user would be noise.
void print_counts(const Options& options, const UpdateSummary& summary) {
    std::string counts;
    for (const auto action : {Action::added, Action::updated, Action::rehashed, Action::unchanged, Action::removed}) {
        const auto count = std::count_if(summary.result.report.changes.begin(), summary.result.report.changes.end(),
                                         [&](const UserChange& change) { return change.action == action; });
        if (count > 0) {
            counts += (counts.empty() ? "" : ", ") + std::to_string(count) + ' ' + std::string(action_name(action));
        }
    }
    std::cout << printable(options.pwfile) << ": " << (options.dry_run ? "would be: " : "")
              << (counts.empty() ? "no users" : counts);
    if (summary.target != nullptr && summary.result.report.changed()) {
        std::cout << " (" << describe_target(*summary.target) << ')';
    }
    std::cout << '\n';
}

void print_update_text(const Options& options, const UpdateSummary& summary) {
    const auto& result = summary.result;
    const std::string prefix = options.dry_run ? "would be " : "";
    if (summary.counts_only) {
        print_counts(options, summary);
    }
    for (const auto& change : result.report.changes) {
        if (summary.counts_only) {
            break;
        }
        std::cout << printable(options.pwfile) << ": " << printable(change.user) << ' ' << prefix
                  << action_name(change.action);
        if ((change.action == Action::added || change.action == Action::updated || change.action == Action::rehashed ||
             change.action == Action::upgraded) &&
            summary.target != nullptr) {
            std::cout << " (" << describe_target(*summary.target) << ')';
        }
        std::cout << '\n';
    }
    if (options.dry_run) {
        std::cout << unified_diff(result.masked_changes, options.pwfile, options.pwfile + " (new)");
        std::cout << "dry run: nothing was written\n";
    } else if (!result.report.changed() && !summary.counts_only) {
        std::cout << printable(options.pwfile) << ": nothing to change\n";
    }
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

void print_update(const Options& options, const UpdateSummary& summary) {
    for (const auto& warning : summary.result.report.warnings) {
        print_warning(options.pwfile + ": " + warning);
    }
    if (summary.skipped != nullptr) {
        for (const auto& record : *summary.skipped) {
            print_warning(source_label(options) + ":" + std::to_string(record.line) + ": skipped: " + record.reason);
        }
    }
    if (options.json) {
        print_update_json(options, summary);
        return;
    }
    if (summary.generated != nullptr && !options.dry_run) {
        // The generated password is the one thing printed even with --quiet: without it the
        // new account is unusable. A dry run stores nothing, so there is nothing to show.
        const auto bytes = summary.generated->bytes();
        std::cout.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        std::cout << '\n';
    }
    if (!options.quiet) {
        print_update_text(options, summary);
    }
}

void print_verify(const Options& options, const VerifyResult& result) {
    const bool match = result.verification == Verification::match;
    if (options.json) {
        JsonObject object;
        object.field("file", options.pwfile).field("user", options.users.front()).field("match", match);
        object.field("line", static_cast<unsigned long long>(result.line));
        object.raw("hash", hash_fields(result.info).str());
        std::cout << object.str() << '\n';
        return;
    }
    if (!options.quiet) {
        std::cout << printable(options.pwfile) << ": " << printable(options.users.front())
                  << (match ? ": password matches" : ": password does not match") << " (" << describe_hash(result.info)
                  << ")\n";
    }
}

void print_listing(const Options& options) {
    ListingHandlers handlers;
    handlers.problem = [&](const LineProblem& problem) {
        print_warning(options.pwfile + ":" + std::to_string(problem.line) + ": " + problem.message);
    };
    if (options.json) {
        // The array is written as it streams, byte for byte what JsonArray would build.
        bool first = true;
        handlers.user = [&](const UserInfo& user) {
            std::string fields = hash_fields(user.info).str();
            fields.erase(0, 1);  // splice the hash fields into the user's object
            JsonObject head;
            head.field("user", user.user).field("line", static_cast<unsigned long long>(user.line));
            std::string object = head.str();
            object.back() = ',';
            std::cout << (first ? "[" : ",") << object << fields;
            first = false;
        };
        list_users(options.pwfile, handlers);
        std::cout << (first ? "[" : "") << "]\n";
        return;
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
}

}  // namespace mqpasswd::cli
