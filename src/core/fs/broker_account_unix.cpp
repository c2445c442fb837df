#include "core/fs/broker_account.hpp"

#include "core/error.hpp"
#include "core/fs/safe_path.hpp"
#include "core/fs/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {

void give_to_account(const std::string& path, const BrokerAccount& account) {
    // Through the checked directory, never following the name, never blocking on a FIFO; and
    // only a regular file with no other name: a hard link planted by another user could make
    // this chown a file of root's.
    const CheckedParent parent = open_checked_parent(path);
    const UniqueFd fd(
        ::openat(parent.dir.get(), parent.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd.valid()) {
        throw system_error(path, "cannot open", errno);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        throw system_error(path, "cannot stat", errno);
    }
    if (!S_ISREG(info.st_mode)) {
        throw Error(ExitCode::failure, "not a regular file; not changing its owner", path);
    }
    if (info.st_nlink != 1) {
        throw Error(ExitCode::failure,
                    "has " + std::to_string(info.st_nlink) + " names (hard links); not changing its owner", path);
    }
    if (::fchown(fd.get(), account.uid, account.gid) != 0 || ::fchmod(fd.get(), 0600) != 0) {
        throw system_error(path, "cannot give it to " + account.name, errno);
    }
}

std::optional<BrokerAccount> broker_account(const std::string& user) {
    const passwd* entry = ::getpwnam(user.c_str());
    if (entry == nullptr) {
        return std::nullopt;
    }
    BrokerAccount account{user, entry->pw_uid, entry->pw_gid, {}};
    int count = 64;
    account.groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(user.c_str(), entry->pw_gid, account.groups.data(), &count) < 0) {
        account.groups.resize(static_cast<std::size_t>(count));
        (void)::getgrouplist(user.c_str(), entry->pw_gid, account.groups.data(), &count);
    }
    account.groups.resize(static_cast<std::size_t>(std::max(count, 0)));
    return account;
}

}  // namespace mqpasswd
