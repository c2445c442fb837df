// Reading an import source. Unlike a password file it may be a pipe or a process substitution
// (/dev/fd/63 is a symlink), so its own name is followed when root or the invoking user made the
// link (as /dev/fd and /proc/self/fd are); the directories on the way obey the path policy; size
// is what is bounded.
#include "core/input/import_source.hpp"

#include "core/error.hpp"
#include "core/fs/file_size.hpp"
#include "core/fs/source_file.hpp"
#include "core/fs/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_source_size = std::size_t{1} << 30;

}  // namespace

Secret read_import_source(const std::string& source) {
    const bool from_stdin = source == "-";
    const std::string name = from_stdin ? "standard input" : source;
    UniqueFd opened;
    struct stat info {};
    if (!from_stdin) {
        opened = open_source_file(source, name, info);
    }
    const int fd = from_stdin ? STDIN_FILENO : opened.get();
    Secret content;
    if (S_ISREG(info.st_mode) && !larger_than(info, max_source_size - 1)) {
        content.reserve(static_cast<std::size_t>(info.st_size) + 1);  // growing by doubling would copy it
    }
    char buffer[65536];
    for (;;) {
        // Standard input is the caller's own pipe and may be as slow as it likes; a named one is
        // anyone's, so silence there is bounded.
        std::size_t got = 0;
        if (from_stdin) {
            const ssize_t read = ::read(fd, buffer, sizeof buffer);
            if (read < 0 && errno == EINTR) {
                continue;
            }
            if (read < 0) {
                throw system_error(name, "cannot read", errno);
            }
            got = static_cast<std::size_t>(read);
        } else {
            got = read_within(fd, buffer, sizeof buffer, source_idle_wait, name);
        }
        if (got == 0) {
            break;
        }
        if (content.size() + got > max_source_size) {
            throw Error(ExitCode::failure, "larger than 1 GiB; not an import source", name);
        }
        content.append(buffer, got);
    }
    wipe_buffer(buffer, sizeof buffer);
    return content;
}

}  // namespace mqpasswd
