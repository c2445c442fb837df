// What each finding protects against is in shared/facts/pwfile-format.md §2: a 2.1 broker refuses
// the whole file (and stops on reload) for a malformed line or a duplicate; a 2.0 broker drops
// such entries; both warn about permissions for others and a foreign owner; and both read the
// file only after dropping to their user, so a file that user cannot read means no logins.
#include "core/pwfile/lint.hpp"

#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"
#include "core/pwfile/pwfile.hpp"
#include "core/pwfile/username.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::uint32_t weak_iterations = default_iterations;

std::string octal_mode(mode_t mode) {
    char text[8];
    (void)std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::optional<std::string> hash_problem(const HashInfo& info, const BrokerTarget& broker) {
    switch (info.kind) {
    case HashKind::plain_text:
        return "is stored as plain text, which brokers built with TLS refuse (run 'mqpasswd upgrade')";
    case HashKind::unknown:
        return "has a hash format no Mosquitto broker reads";
    case HashKind::argon2id:
        if (readable_by(info, broker)) {  // the rule is readable_by's; what follows only words it
            break;
        }
        if (broker.version == BrokerVersion::v2_0) {
            return "has an argon2id hash, which a 2.0 broker cannot read";
        }
        if (broker.argon2 == Argon2Support::no) {
            return "has an argon2id hash, which this 2.1 broker cannot read: it is built without libargon2 (as "
                   "Debian's and the Docker image's are) and stops at this line";
        }
        // Unknown build: an error, not a warning: `broker reload` refuses on errors, and a broker
        // without libargon2 stops at the reload.
        return "has an argon2id hash, which a 2.1 broker built without libargon2 (Debian's, the Docker image's) "
               "cannot read and stops at; nothing says whether the target broker has it (--broker-argon2 yes if "
               "it does)";
    case HashKind::sha512:
    case HashKind::sha512_pbkdf2:
        if (!readable_by(info, broker)) {
            return "has a " + std::to_string(info.salt_length) + "-byte salt, which a 2.0 broker cannot read";
        }
        break;
    case HashKind::invalid:
        break;
    }
    return std::nullopt;
}

std::optional<std::string> hash_weakness(const HashInfo& info) {
    if (info.kind == HashKind::sha512) {
        return "uses $6$ (a single salted SHA-512): set the password again for PBKDF2";
    }
    if (info.kind == HashKind::sha512_pbkdf2 && info.iterations < weak_iterations) {
        return "uses only " + std::to_string(info.iterations) + " PBKDF2 iterations (fewer than " +
               std::to_string(weak_iterations) + ")";
    }
    return std::nullopt;
}

void lint_content(const PwFile& file, const BrokerTarget& broker, std::vector<Finding>& findings) {
    for (const auto& line : file.lines()) {
        if (line.kind == LineKind::malformed) {
            findings.push_back({Severity::error, line.source_line, line_problem(line)});
            continue;
        }
        if (line.kind != LineKind::entry) {
            continue;
        }
        const std::string who = "user '" + std::string(line.username) + "' ";
        const HashInfo info = inspect_hash(line.hash);
        if (const auto problem = hash_problem(info, broker)) {
            findings.push_back({Severity::error, line.source_line, who + *problem});
        } else if (const auto weakness = hash_weakness(info)) {
            findings.push_back({Severity::warning, line.source_line, who + *weakness});
        }
        if (const auto problem = username_problem(line.username)) {
            findings.push_back({Severity::warning, line.source_line, who + "can never log in: " + *problem});
        }
    }
    for (const auto& duplicate : file.duplicate_users()) {
        findings.push_back({Severity::error, duplicate.line,
                            duplicate.message + " (a 2.1 broker refuses the whole file, and stops on reload)"});
    }
}

// Whether the account may use `bit` (r = 4, x = 1) of a file with this owner and mode.
bool allowed(const BrokerAccount& account, const struct stat& info, unsigned bit) {
    if (account.uid == 0) {
        return true;
    }
    if (info.st_uid == account.uid) {
        return (info.st_mode & (bit << 6)) != 0;
    }
    const bool in_group = info.st_gid == account.gid ||
                          std::find(account.groups.begin(), account.groups.end(), info.st_gid) != account.groups.end();
    return (info.st_mode & (in_group ? bit << 3 : bit)) != 0;
}

// Every directory on the way must let the account through.
std::optional<std::string> blocked_directory(const std::string& path, const BrokerAccount& account) {
    std::string directory = split_path(path).first;
    for (;;) {
        struct stat info {};
        if (::stat(directory.c_str(), &info) == 0 && !allowed(account, info, 1)) {
            return directory;
        }
        if (directory == "/" || directory == ".") {
            return std::nullopt;
        }
        directory = split_path(directory).first;
    }
}

// The command that gives the file to the account, as the advice to copy.
std::string give_command(const std::string& path, const BrokerAccount& account) {
    const group* group_entry = ::getgrgid(account.gid);
    const std::string owner = account.name + (group_entry != nullptr ? ":" + std::string(group_entry->gr_name) : "");
    return "chown " + owner + " " + path + " && chmod 0600 " + path;
}

// The fix for a mode that lets others in. `chmod o-rwx` would lock out a broker whose user reads
// the file only through those bits (root:root 0644, a common setup): give the file to it instead.
std::string others_fix(const std::string& path, const struct stat& info, const std::optional<BrokerAccount>& account) {
    struct stat closed = info;
    closed.st_mode &= ~static_cast<mode_t>(S_IRWXO);
    if (account && allowed(*account, info, 4) && !allowed(*account, closed, 4)) {
        return give_command(path, *account);
    }
    return "chmod o-rwx " + path;
}

void lint_ownership(const std::string& path, const struct stat& info, const BrokerAccount& account,
                    std::vector<Finding>& findings) {
    if (const auto problem = readability_problem(path, account)) {
        findings.push_back({Severity::error, 0, *problem});
    }
    if (info.st_uid != account.uid) {
        findings.push_back({Severity::warning, 0,
                            "is not owned by the broker's user " + account.name +
                                " (brokers since 2.0.16 warn, and future versions will refuse it)"});
    }
    if (info.st_gid != account.gid) {
        findings.push_back({Severity::warning, 0, "its group is not the broker's group (brokers since 2.0.16 warn)"});
    }
}

}  // namespace

std::optional<std::string> readability_problem(const std::string& path, const BrokerAccount& account) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return std::nullopt;  // a missing file is reported by its reader
    }
    if (!allowed(account, info, 4)) {
        return "the broker's user " + account.name + " cannot read it: " + give_command(path, account);
    }
    if (const auto directory = blocked_directory(path, account)) {
        return "the broker's user " + account.name + " cannot enter " + *directory;
    }
    return std::nullopt;
}

std::vector<Finding> lint_password_file(const std::string& path, const BrokerTarget& broker,
                                        const std::optional<BrokerAccount>& account) {
    std::vector<Finding> findings;
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
        // 2.1 opens it O_NOFOLLOW and fails; 2.0 follows it. mqpasswd never reads through it.
        if (broker.version == BrokerVersion::v2_1) {
            findings.push_back({Severity::error, 0, "is a symbolic link, which a 2.1 broker refuses to open"});
        } else {
            findings.push_back({Severity::warning, 0,
                                "is a symbolic link: a 2.0 broker follows it, a 2.1 broker refuses it; its target "
                                "was not checked (name the target)"});
        }
        return findings;
    }
    FileSnapshot snapshot = read_file(path);
    if (!snapshot.exists) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    lint_content(PwFile::parse(std::move(snapshot.content), path), broker, findings);  // which wipes it
    ::stat(path.c_str(), &info);
    if ((info.st_mode & S_IRWXO) != 0) {
        findings.push_back(
            {Severity::warning, 0,
             "mode " + octal_mode(info.st_mode) +
                 " gives others access (brokers warn, future versions refuse): " + others_fix(path, info, account)});
    }
    if (account) {
        lint_ownership(path, info, *account, findings);
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return findings;
}

}  // namespace mqpasswd
