// Reading an import source. Unlike a password file it may be a pipe or a process substitution
// (/dev/fd/63 is a symlink), so its own name is followed when root or the invoking user made the
// link (as /dev/fd and /proc/self/fd are); the directories on the way obey the path policy; size
// is what is bounded.
#include "core/import_source.hpp"

#include "core/error.hpp"
#include "core/safe_path.hpp"
#include "core/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_source_size = std::size_t{1} << 30;

constexpr int writer_wait_ms = 5000;

// A named FIFO opened without a writer: wait a while for one to come (a script may start it
// just after), never forever.
void wait_for_writer(int fd, const std::string& source) {
    pollfd waiting{fd, POLLIN, 0};
    int ready = 0;
    do {
        ready = ::poll(&waiting, 1, writer_wait_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
        throw Error(ExitCode::failure, "nothing was written to the pipe for 5 seconds; is its writer running?", source);
    }
}

// A named source is a file or a pipe. O_NONBLOCK makes opening a FIFO return at once instead of
// waiting for a writer forever; reads block again after it. A device (/dev/zero, a disk) or a
// directory is refused before any read.
UniqueFd open_source(const std::string& source, struct stat& info) {
    const CheckedParent parent = open_checked_parent(source);
    struct stat link {};
    if (::fstatat(parent.dir.get(), parent.name.c_str(), &link, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(link.st_mode) &&
        !trusted_link_owner(link.st_uid)) {
        throw Error(ExitCode::failure, "is a symbolic link another user owns; not following it", source, 0, EACCES);
    }
    UniqueFd fd(::openat(parent.dir.get(), parent.name.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd.valid()) {
        throw system_error(source, "cannot open", errno);
    }
    if (::fstat(fd.get(), &info) != 0) {
        throw system_error(source, "cannot stat", errno);
    }
    if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode) && !S_ISSOCK(info.st_mode)) {
        throw Error(ExitCode::failure, "not a file or a pipe", source);
    }
    if (S_ISFIFO(info.st_mode)) {
        wait_for_writer(fd.get(), source);
    }
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
        throw system_error(source, "cannot read", errno);
    }
    return fd;
}

}  // namespace

Secret read_import_source(const std::string& source) {
    const bool from_stdin = source == "-";
    const std::string name = from_stdin ? "standard input" : source;
    UniqueFd opened;
    struct stat info {};
    if (!from_stdin) {
        opened = open_source(source, info);
    }
    const int fd = from_stdin ? STDIN_FILENO : opened.get();
    Secret content;
    if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) < max_source_size) {
        content.reserve(static_cast<std::size_t>(info.st_size) + 1);  // growing by doubling would copy it
    }
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            throw system_error(name, "cannot read", errno);
        }
        if (got == 0) {
            break;
        }
        if (content.size() + static_cast<std::size_t>(got) > max_source_size) {
            throw Error(ExitCode::failure, "larger than 1 GiB; not an import source", name);
        }
        content.append(buffer, static_cast<std::size_t>(got));
    }
    wipe_buffer(buffer, sizeof buffer);
    return content;
}

}  // namespace mqpasswd
