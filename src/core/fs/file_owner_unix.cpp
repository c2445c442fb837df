// Account look-ups for new files; numeric ids are accepted so containers without /etc/passwd
// entries work.
#include "core/fs/file_owner.hpp"

#include "core/error.hpp"
#include "core/fs/broker_account.hpp"

#include <charconv>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

std::optional<unsigned long> parse_id(const std::string& text) {
    unsigned long value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// The account's uid, and its primary group when it has a passwd entry.
std::pair<uid_t, std::optional<gid_t>> resolve_user(const std::string& name) {
    if (const passwd* entry = ::getpwnam(name.c_str())) {
        return {entry->pw_uid, entry->pw_gid};
    }
    if (const auto id = parse_id(name)) {
        return {static_cast<uid_t>(*id), std::nullopt};
    }
    throw Error(ExitCode::usage, "no such user account '" + name + "' for --owner");
}

gid_t resolve_group(const std::string& name) {
    if (const group* entry = ::getgrnam(name.c_str())) {
        return entry->gr_gid;
    }
    if (const auto id = parse_id(name)) {
        return static_cast<gid_t>(*id);
    }
    throw Error(ExitCode::usage, "no such group '" + name + "' for --group");
}

}  // namespace

FileOwnership new_file_ownership(const OwnerRequest& request) {
    FileOwnership ownership{::geteuid(), ::getegid(), 0600};
    if (ownership.uid == 0) {
        if (const passwd* broker = ::getpwnam(default_broker_user)) {
            ownership.uid = broker->pw_uid;
            ownership.gid = broker->pw_gid;
        }
    }
    if (request.owner) {
        const auto [uid, primary_gid] = resolve_user(*request.owner);
        ownership.uid = uid;
        ownership.gid = primary_gid.value_or(ownership.gid);
    }
    if (request.group) {
        ownership.gid = resolve_group(*request.group);
    }
    return ownership;
}

}  // namespace mqpasswd
