// In-memory edits. No I/O here: update.cpp runs these under the file lock.
#include "core/pwfile/edit.hpp"

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"

#include <algorithm>

namespace mqpasswd {
namespace {

std::size_t lines_of(const PwFile& file, std::string_view user) {
    return static_cast<std::size_t>(std::count_if(file.lines().begin(), file.lines().end(),
                                                  [&](const PwLine& line) { return line.username == user; }));
}

}  // namespace

Action action_on_existing(const PwLine& line, bool single_line, const Secret& password, const HashSpec& spec,
                          const BrokerTarget& broker) {
    const Verification verified =
        line.kind == LineKind::entry ? verify_hash(line.hash, password) : Verification::mismatch;
    return action_on_existing(line, single_line, verified, spec, broker);
}

Action action_on_existing(const PwLine& line, bool single_line, Verification verified, const HashSpec& spec,
                          const BrokerTarget& broker) {
    if (line.kind != LineKind::entry || verified != Verification::match) {
        return Action::updated;
    }
    return single_line && meets_target(inspect_hash(line.hash), spec, broker) ? Action::unchanged : Action::rehashed;
}

std::string_view action_name(Action action) noexcept {
    switch (action) {
    case Action::added:
        return "added";
    case Action::updated:
        return "updated";
    case Action::rehashed:
        return "rehashed";
    case Action::unchanged:
        return "unchanged";
    case Action::removed:
        return "removed";
    case Action::missing:
        return "missing";
    case Action::upgraded:
        return "upgraded";
    }
    return "?";
}

bool EditReport::changed() const noexcept {
    return std::any_of(changes.begin(), changes.end(), [](const UserChange& change) {
        return change.action != Action::unchanged && change.action != Action::missing;
    });
}

EditReport set_user(PwFile& file, const std::string& user, const Secret& password, const HashSpec& spec,
                    const BrokerTarget& broker) {
    const std::size_t index = file.find(user);
    const Action action = index == PwFile::npos ? Action::added
                                                : action_on_existing(file.lines()[index], lines_of(file, user) == 1,
                                                                     password, spec, broker);
    if (action != Action::unchanged) {
        file.set(user, make_hash(spec, password));
    }
    return EditReport{{{user, action}}, {}};
}

EditReport remove_users(PwFile& file, const std::vector<std::string>& users, bool missing_ok) {
    EditReport report;
    for (const auto& user : users) {
        const bool named_before = std::any_of(report.changes.begin(), report.changes.end(),
                                              [&](const UserChange& change) { return change.user == user; });
        if (named_before) {
            continue;
        }
        if (file.remove(user) > 0) {
            report.changes.push_back({user, Action::removed});
        } else if (missing_ok) {
            report.changes.push_back({user, Action::missing});
        } else {
            throw Error(ExitCode::no_such_user, "no such user " + quoted_name(user));
        }
    }
    return report;
}

namespace {

// Plain-text passwords are hashed this many at a time (make_hashes fills SIMD lanes), so no more
// than this many copies of them exist at once.
constexpr std::size_t upgrade_batch = 64;

// New lines for the plain-text entries `pending`, appended to `upgraded`; empties `pending`.
void hash_plain_texts(std::vector<const PwLine*>& pending, const HashSpec& spec, std::vector<NewEntry>& upgraded) {
    std::vector<Secret> passwords;
    passwords.reserve(pending.size());
    std::vector<std::uint8_t> salts(pending.size() * spec.salt_length);
    random_bytes(salts);
    std::vector<HashInput> requests;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        passwords.push_back(Secret::copy_of(pending[i]->hash));
        requests.push_back({&spec, &passwords.back(), {salts.data() + i * spec.salt_length, spec.salt_length}});
    }
    const std::vector<std::string> hashes = make_hashes(requests);
    for (std::size_t i = 0; i < pending.size(); ++i) {
        upgraded.push_back(new_entry(pending[i]->username, hashes[i]));
    }
    pending.clear();
}

}  // namespace

EditReport upgrade_plain_text(PwFile& file, const HashSpec& spec) {
    // Which of two plain-text lines of one user is the real password is a guess; refuse to make it.
    if (const auto duplicates = file.duplicate_users(); !duplicates.empty()) {
        throw Error(ExitCode::failure, duplicates.front().message, {}, duplicates.front().line);
    }
    EditReport report;
    std::vector<NewEntry> upgraded;  // applied in one pass: a file of plain-text users stays linear
    std::vector<const PwLine*> pending;
    for (const auto& line : file.lines()) {
        if (line.kind != LineKind::entry) {
            continue;
        }
        const HashKind kind = inspect_hash(line.hash).kind;
        if (kind == HashKind::plain_text) {
            pending.push_back(&line);
            report.changes.push_back({std::string(line.username), Action::upgraded});
            if (pending.size() == upgrade_batch) {
                hash_plain_texts(pending, spec, upgraded);
            }
        } else if (kind == HashKind::unknown) {
            report.warnings.push_back("line " + std::to_string(line.source_line) + ": user '" +
                                      std::string(line.username) +
                                      "' has a hash format mqpasswd does not know; left as it is");
        }
    }
    hash_plain_texts(pending, spec, upgraded);
    file.set_all(std::move(upgraded));
    return report;
}

}  // namespace mqpasswd
