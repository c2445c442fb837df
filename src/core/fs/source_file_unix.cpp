// poll(2) before every read of a stream: a writer that sends one byte and then sits there cannot
// hold root forever.
#include "core/fs/source_file.hpp"

#include "core/error.hpp"
#include "core/fs/safe_path.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr int open_flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

// Waits until `fd` has data (or its end) for at most `wait`; false when the time ran out.
bool wait_for_data(int fd, std::chrono::milliseconds wait) {
    pollfd waiting{fd, POLLIN, 0};
    int ready = 0;
    do {
        ready = ::poll(&waiting, 1, static_cast<int>(wait.count()));
    } while (ready < 0 && errno == EINTR);
    return ready != 0;
}

}  // namespace

UniqueFd open_source_file(const std::string& path, const std::string& display, struct stat& info) {
    const CheckedParent parent = open_checked_parent(path);
    UniqueFd fd(::openat(parent.dir.get(), parent.name.c_str(), open_flags | O_NOFOLLOW));
    if (!fd.valid() && errno == ELOOP) {
        struct stat link {};
        if (::fstatat(parent.dir.get(), parent.name.c_str(), &link, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISLNK(link.st_mode) || !trusted_link_owner(link.st_uid)) {
            throw Error(ExitCode::failure, "is a symbolic link another user owns; not following it", display, 0,
                        EACCES);
        }
        fd = UniqueFd(::openat(parent.dir.get(), parent.name.c_str(), open_flags));
    }
    if (!fd.valid()) {
        throw system_error(display, "cannot open", errno);
    }
    if (::fstat(fd.get(), &info) != 0) {
        throw system_error(display, "cannot stat", errno);
    }
    if (S_ISDIR(info.st_mode)) {
        throw system_error(display, "cannot read", EISDIR);
    }
    if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode) && !S_ISSOCK(info.st_mode)) {
        throw Error(ExitCode::failure, "not a file or a pipe", display);
    }
    if (S_ISFIFO(info.st_mode) && !wait_for_data(fd.get(), source_first_byte_wait)) {
        throw Error(ExitCode::failure, "nothing was written to the pipe for 5 seconds; is its writer running?",
                    display);
    }
    return fd;
}

std::size_t read_within(int fd, char* buffer, std::size_t size, std::chrono::milliseconds idle,
                        const std::string& display) {
    for (;;) {
        if (!wait_for_data(fd, idle)) {
            throw Error(ExitCode::failure,
                        "nothing more came through the pipe for " + std::to_string(idle.count() / 1000) +
                            " seconds; giving up",
                        display);
        }
        const ssize_t got = ::read(fd, buffer, size);
        if (got >= 0) {
            return static_cast<std::size_t>(got);
        }
        if (errno != EINTR && errno != EAGAIN) {
            throw system_error(display, "cannot read", errno);
        }
    }
}

}  // namespace mqpasswd
