// Messages are mosquitto_passwd 2.1.2's (facts §3.3), including its quirks: no full stop after
// "Unknown hash type", no newline between "is not a file." and the next error. Two departures:
// usernames the broker would misread are refused, and no ownership warnings (open_existing).
#include "cli/compat_checks.hpp"

#include "broker/broker_version.hpp"
#include "core/error.hpp"
#include "core/fs/file_owner.hpp"
#include "core/fs/file_snapshot.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"

#include <climits>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd::cli {
namespace {

std::string open_failure(const std::string& path, int errno_value) {
    return "Error: Unable to open password file " + path + ". " + std::strerror(errno_value) + ".\n";
}

bool writable(const std::string& path, int& errno_value) {
    if (::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0) {
        return true;
    }
    errno_value = errno;
    return false;
}

}  // namespace

std::optional<std::string> compat_username_problem(const std::string& username) {
    if (username.size() > 65535) {
        return "Error: Username must be less than 65536 characters long.\n";
    }
    for (const char c : username) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {  // iscntrl() in the C locale
            return "Error: Username must not contain control characters.\n";
        }
    }
    if (username.find(':') != std::string::npos) {
        return "Error: Username must not contain the ':' character.\n";
    }
    // The real tool writes these, and the broker then reads another user or none: 2.1 refuses the
    // whole file for an empty name (and stops on reload), trims blanks (so " alice" becomes a
    // duplicate "alice", which 2.1 also refuses), and skips a line starting with '#'. No version
    // has a message for them: ours, in its words, after its own checks so that they win.
    if (username.empty()) {
        return "Error: Username must not be empty.\n";
    }
    if (username.front() == ' ' || username.back() == ' ') {  // the other blanks are control characters
        return "Error: Username must not start or end with a space.\n";
    }
    if (username.front() == '#') {
        return "Error: Username must not start with the '#' character.\n";
    }
    return std::nullopt;
}

namespace {

// The real tool resolves the whole path with realpath(), links and all, and opens the target: a
// link the broker's user planted (in its own directory, or /tmp) redirects root. Here every
// directory goes through the path policy (safe_path.hpp), and a link at the file's own name is
// followed only when root or the invoking user made it. Returns the path to use, "" when the file
// does not exist; throws Error (EACCES) for a refusal.
std::string resolve_links(const std::string& typed) {
    std::string path = typed;
    // A file to be created gets the owner new files get (the broker's user, as root): its
    // directory may be that user's, as /var/lib/mosquitto is.
    const PathTrust trust{new_file_ownership({}).uid};
    for (int links = 0; links < 40; ++links) {
        const CheckedParent parent = open_checked_parent(path, trust);
        struct stat info {};
        if (::fstatat(parent.dir.get(), parent.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
            return {};
        }
        if (!S_ISLNK(info.st_mode)) {
            return parent.resolved;
        }
        if (!trusted_link_owner(info.st_uid)) {
            throw Error(ExitCode::failure, "a link another user owns", path, 0, EACCES);
        }
        const std::optional<std::string> target = read_link_at(parent.dir.get(), parent.name);
        if (!target || target->empty()) {
            throw Error(ExitCode::failure, "a link that changed", path, 0, EACCES);
        }
        path = target->starts_with('/') ? *target : split_path(parent.resolved).first + "/" + *target;
    }
    throw Error(ExitCode::failure, "too many links", typed, 0, ELOOP);
}

}  // namespace

CompatFile resolve_compat_path(const std::string& typed) {
    CompatFile file;
    try {
        file.path = resolve_links(typed);
        if (file.path.empty()) {
            file.path = typed;  // missing: the open that follows reports it in the real tool's words
        }
    } catch (const Error& error) {
        if (error.errno_value() == ENOENT) {
            file.path = typed;
            return file;
        }
        file.error = std::string("Error reading password file: ") +
                     std::strerror(error.errno_value() != 0 ? error.errno_value() : EACCES) + "\n";
    }
    return file;
}

std::string open_existing(CompatFile& file) {
    // "r+" needs read and write permission; O_NONBLOCK so that a FIFO cannot stall us here.
    const UniqueFd fd(::open(file.path.c_str(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC));
    if (!fd.valid()) {
        return open_failure(file.path, errno);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        return open_failure(file.path, errno);
    }
    if (!S_ISREG(info.st_mode)) {
        return "Error: " + file.path + " is not a file." + open_failure(file.path, EINVAL);
    }
    // No warning about the mode, owner or group. 2.1.2 warns unless the invoking user (root)
    // owns the file and no one else may read it, and says `chown root FILE`: that locks out a
    // broker that reads the file as its own user, the usual setup. Debian's 2.0.11 says nothing
    // in every case, and `mqpasswd check`, which knows the broker's user, gives the right advice.
    // The real tool rewrites in place; we replace the file, so its directory must take a new one.
    int errno_value = 0;
    if (!writable(split_path(file.path).first, errno_value)) {
        return std::string("Error: Unable to open temporary file. ") + std::strerror(errno_value) + ".\n";
    }
    file.usable = true;
    return {};
}

std::optional<std::string> create_problem(const std::string& path) {
    int errno_value = 0;
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) {
            errno_value = EISDIR;
        } else {
            (void)writable(path, errno_value);
        }
    }
    if (errno_value == 0) {
        (void)writable(split_path(path).first, errno_value);
    }
    if (errno_value == 0) {
        return std::nullopt;
    }
    return "Error: Unable to open file " + path + " for writing. " + std::strerror(errno_value) + ".\n";
}

namespace {

// The value of an environment variable that stands for a native option, "auto" when unset or
// empty; `check` (the option's own) refuses a bad one, which is then named as it was given.
std::string setting_from_environment(const char* variable, void (*check)(const std::string&), const char* allowed) {
    const char* value = std::getenv(variable);
    std::string setting = value != nullptr && *value != '\0' ? value : "auto";
    try {
        check(setting);
    } catch (const Error&) {
        throw Error(ExitCode::usage, std::string(variable) + " must be " + allowed + ", not '" + setting + "'");
    }
    return setting;
}

}  // namespace

ResolvedProfile compat_profile() {
    // The compat command line has no --broker-version or --broker-argon2: the environment stands in.
    const std::string version =
        setting_from_environment("MQPASSWD_BROKER_VERSION", check_broker_version_name, "2.0, 2.1 or auto");
    const std::string argon2 =
        setting_from_environment("MQPASSWD_BROKER_ARGON2", check_broker_argon2_name, "yes, no or auto");
    return resolve_profile(version, argon2, DetectionCache::read_write);  // the compat front has no --dry-run
}

CompatHashTarget compat_target(const CompatRequest& request) {
    const ResolvedProfile profile = compat_profile();
    HashRequest hash;
    hash.algorithm = algorithm_from_name(request.hash.value_or("sha512-pbkdf2"));
    if (hash.algorithm == Algorithm::argon2id && profile.target.version == BrokerVersion::v2_0) {
        // What the 2.0 tool says, and true of the 2.0 broker this file is for.
        return {{}, "Error: Unknown hash type 'argon2id'\n", false};
    }
    if (hash.algorithm == Algorithm::argon2id && profile.target.argon2 != Argon2Support::yes) {
        // What a 2.1 tool built without libargon2 does (after the password): true of the broker
        // this file is for, which would stop at the line. Unknown counts as without.
        return {{}, {}, true};
    }
    // -I sets PBKDF2 iterations only; -U ignores it, as the real tool does.
    if (hash.algorithm == Algorithm::sha512_pbkdf2 && request.mode != CompatMode::upgrade) {
        hash.iterations = request.iterations;
    }
    return {target_spec(profile.target, hash), {}, false};
}

}  // namespace mqpasswd::cli
