// Reading an import source. Unlike a password file it may be a pipe or a process substitution
// (/dev/fd/63 is a symlink), so links are followed; size is what is bounded.
#include "core/import_source.hpp"

#include "core/error.hpp"
#include "core/unique_fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t max_source_size = std::size_t{1} << 30;

}  // namespace

Secret read_import_source(const std::string& source) {
    const bool from_stdin = source == "-";
    const std::string name = from_stdin ? "standard input" : source;
    UniqueFd opened;
    if (!from_stdin) {
        opened.reset(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
        if (!opened.valid()) {
            throw system_error(source, "cannot open", errno);
        }
    }
    const int fd = from_stdin ? STDIN_FILENO : opened.get();
    Secret content;
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
