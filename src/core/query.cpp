// Queries over a loaded file.
#include "core/query.hpp"

#include "core/error.hpp"
#include "core/file_snapshot.hpp"
#include "core/secret.hpp"

namespace mqpasswd {

PwFile load_password_file(const std::string& path) {
    FileSnapshot snapshot = read_file(path);
    const WipeOnExit wipe_content(snapshot.content);  // plain-text lines in it are passwords
    if (!snapshot.exists) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    return PwFile::parse(snapshot.content);
}

const PwLine& require_user(const PwFile& file, const std::string& path, const std::string& user) {
    const std::size_t index = file.find(user);
    if (index == PwFile::npos) {
        throw Error(ExitCode::no_such_user, "no such user '" + user + "'", path);
    }
    const PwLine& line = file.lines()[index];
    if (line.kind == LineKind::malformed) {
        throw Error(ExitCode::failure, line.problem, path, line.source_line);
    }
    for (const auto& duplicate : file.duplicate_users()) {
        if (duplicate.username == user) {
            throw Error(ExitCode::failure, duplicate.message, path, duplicate.line);
        }
    }
    return line;
}

VerifyResult verify_line(const PwLine& line, const Secret& password) {
    VerifyResult result;
    result.info = inspect_hash(line.hash);
    result.line = line.source_line;
    result.verification = verify_hash(line.hash, password);
    return result;
}

Listing list_users(const PwFile& file) {
    Listing listing;
    for (const auto& line : file.lines()) {
        if (line.kind == LineKind::entry) {
            listing.users.push_back({line.username, inspect_hash(line.hash), line.source_line});
        }
    }
    listing.problems = file.malformed_lines();
    const auto duplicates = file.duplicate_users();
    listing.problems.insert(listing.problems.end(), duplicates.begin(), duplicates.end());
    return listing;
}

}  // namespace mqpasswd
