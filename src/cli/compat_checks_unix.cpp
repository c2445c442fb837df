// Messages are mosquitto_passwd 2.1.2's (facts §3.3), including its quirks: no full stop after
// "Unknown hash type", no newline between "is not a file." and the next error.
#include "cli/compat_checks.hpp"

#include "broker/broker_version.hpp"
#include "core/error.hpp"
#include "core/file_snapshot.hpp"
#include "core/unique_fd.hpp"

#include <climits>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd::cli {
namespace {

std::string open_failure(const std::string& path, int errno_value) {
    return "Error: Unable to open password file " + path + ". " + std::strerror(errno_value) + ".\n";
}

// 2.1.2 checks every existing file it opens and warns, but goes on.
std::string ownership_warnings(const std::string& path, const struct stat& info) {
    std::string warnings;
    if ((info.st_mode & S_IRWXO) != 0) {
        warnings += "Warning: File " + path +
                    " has world readable permissions. Future versions will refuse to load this file.\n"
                    "To fix this, use `chmod 0700 " +
                    path + "`.\n";
    }
    if (info.st_uid != ::getuid()) {
        if (const passwd* user = ::getpwuid(::getuid())) {
            const std::string name = user->pw_name;
            warnings += "Warning: File " + path + " owner is not " + name +
                        ". Future versions will refuse to load this file.To fix this, use `chown " + name + " " + path +
                        "`.\n";
        }
    }
    if (info.st_gid != ::getgid()) {
        if (const group* group_entry = ::getgrgid(::getgid())) {
            warnings += "Warning: File " + path + " group is not " + group_entry->gr_name +
                        ". Future versions will refuse to load this file.\n";
        }
    }
    return warnings;
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
    return std::nullopt;
}

CompatFile resolve_compat_path(const std::string& typed) {
    CompatFile file;
    try {
        // realpath() resolves links without the kernel's fs.protected_symlinks rule; the real
        // tool then opens the target, so a link planted in /tmp redirects it. Refused here with
        // the message the real tool prints when the kernel refuses.
        check_trusted_links(typed);
    } catch (const Error& error) {
        file.error = std::string("Error reading password file: ") + std::strerror(error.errno_value()) + "\n";
        return file;
    }
    char* resolved = ::realpath(typed.c_str(), nullptr);
    if (resolved != nullptr) {
        file.path = resolved;
        std::free(resolved);
    } else if (errno == ENOENT) {
        file.path = typed;
    } else {
        file.error = std::string("Error reading password file: ") + std::strerror(errno) + "\n";
    }
    return file;
}

std::string open_existing(CompatFile& file) {
    // "r+" needs read and write permission; O_NONBLOCK so that a FIFO cannot stall us here.
    const UniqueFd fd(::open(file.path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
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
    std::string text = ownership_warnings(file.path, info);
    // The real tool rewrites in place; we replace the file, so its directory must take a new one.
    int errno_value = 0;
    if (!writable(split_path(file.path).first, errno_value)) {
        return text + "Error: Unable to open temporary file. " + std::strerror(errno_value) + ".\n";
    }
    file.usable = true;
    return text;
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

CompatHashTarget compat_target(const CompatRequest& request) {
    const char* requested = std::getenv("MQPASSWD_BROKER_VERSION");
    const ResolvedProfile profile = resolve_profile(requested != nullptr && *requested != '\0' ? requested : "auto");
    HashRequest hash;
    hash.algorithm = algorithm_from_name(request.hash.value_or("sha512-pbkdf2"));
    if (hash.algorithm == Algorithm::argon2id && profile.version == BrokerVersion::v2_0) {
        // What the 2.0 tool says, and true of the 2.0 broker this file is for.
        return {{}, "Error: Unknown hash type 'argon2id'\n"};
    }
    // -I sets PBKDF2 iterations only; -U ignores it, as the real tool does.
    if (hash.algorithm == Algorithm::sha512_pbkdf2 && request.mode != CompatMode::upgrade) {
        hash.iterations = request.iterations;
    }
    return {target_spec(profile.version, hash), {}};
}

}  // namespace mqpasswd::cli
