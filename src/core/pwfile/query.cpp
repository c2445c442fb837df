// Queries that stream the file through a LineReader.
#include "core/pwfile/query.hpp"

#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/line_reader.hpp"
#include "core/quote.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace mqpasswd {
namespace {

UniqueFd open_existing(const std::string& path) {
    UniqueFd fd = open_for_reading(path);
    if (!fd.valid()) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    return fd;
}

// 4 bytes a name: a million names then collide in about a hundred pairs, which the second pass
// tells apart by the names themselves.
std::uint32_t fingerprint(std::string_view name) {
    const std::uint64_t hash = std::hash<std::string_view>{}(name);  // size_t is 32 bits on armhf
    return static_cast<std::uint32_t>(hash ^ (hash >> 32));
}

// Fingerprints seen more than once: the names that may repeat.
std::vector<std::uint32_t> repeated(std::vector<std::uint32_t> fingerprints) {
    std::sort(fingerprints.begin(), fingerprints.end());
    std::vector<std::uint32_t> result;
    for (std::size_t i = 1; i < fingerprints.size(); ++i) {
        if (fingerprints[i] == fingerprints[i - 1] && (result.empty() || result.back() != fingerprints[i])) {
            result.push_back(fingerprints[i]);
        }
    }
    return result;
}

}  // namespace

UserHash find_user(const std::string& path, std::string_view user) {
    const UniqueFd fd = open_existing(path);
    LineReader reader(fd.get(), path);
    UserHash found;
    while (const auto raw = reader.next()) {
        // Most lines are someone else's: only their name is read, their hash is not decoded.
        const std::string_view name = line_username(raw->text);
        if (name.empty() || name != user) {
            continue;
        }
        if (found.line != 0) {
            throw Error(ExitCode::failure, duplicate_message(user, found.line), path, raw->number);
        }
        const PwLine line = classify_line(raw->text, raw->eol, raw->number);
        if (line.kind == LineKind::malformed) {
            throw Error(ExitCode::failure, line_problem(line), path, raw->number);
        }
        found.hash = Secret::copy_of(line.hash);
        found.line = raw->number;
    }
    if (found.line == 0) {
        throw Error(ExitCode::no_such_user, "no such user " + quoted_name(user), path);
    }
    return found;
}

VerifyResult verify_user(const UserHash& user, const Secret& password) {
    VerifyResult result;
    result.info = inspect_hash(user.hash.text());
    result.line = user.line;
    result.verification = verify_hash(user.hash.text(), password);
    return result;
}

void list_users(const std::string& path, const ListingHandlers& handlers) {
    const UniqueFd fd = open_existing(path);
    LineReader reader(fd.get(), path);
    std::vector<std::uint32_t> fingerprints;
    while (const auto raw = reader.next()) {
        const PwLine line = classify_line(raw->text, raw->eol, raw->number);
        if (line.kind == LineKind::malformed) {
            handlers.problem({raw->number, line_problem(line)});
        } else if (line.kind == LineKind::entry && handlers.name) {
            handlers.name(line.username);
        }
        if (!line.username.empty()) {
            fingerprints.push_back(fingerprint(line.username));
        }
    }
    const std::vector<std::uint32_t> suspects = repeated(std::move(fingerprints));
    std::unordered_map<std::string, std::size_t> first_line;  // only names whose fingerprint repeats
    reader.rewind();
    while (const auto raw = reader.next()) {
        const PwLine line = classify_line(raw->text, raw->eol, raw->number);
        if (line.kind == LineKind::entry) {
            handlers.user({line.username, inspect_hash(line.hash), raw->number});
        }
        if (line.username.empty() ||
            !std::binary_search(suspects.begin(), suspects.end(), fingerprint(line.username))) {
            continue;
        }
        const auto [it, inserted] = first_line.try_emplace(std::string(line.username), raw->number);
        if (!inserted) {
            handlers.problem({raw->number, duplicate_message(line.username, it->second)});
        }
    }
}

}  // namespace mqpasswd
