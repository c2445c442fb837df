// Fixed-size reads into one buffer; a line split across two reads is moved to the front first.
#include "core/fs/line_reader.hpp"

#include "core/crypto/secret.hpp"
#include "core/error.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace mqpasswd {
namespace {

constexpr std::size_t read_size = std::size_t{1} << 16;

}  // namespace

LineReader::LineReader(int fd, std::string display_path) : fd_(fd), display_path_(std::move(display_path)) {
    buffer_.resize(read_size);
    rewind();
}

LineReader::~LineReader() {
    wipe_buffer(buffer_.data(), buffer_.size());
}

void LineReader::rewind() {
    if (::lseek(fd_, 0, SEEK_SET) != 0) {
        throw system_error(display_path_, "cannot read from the start", errno);
    }
    begin_ = end_ = number_ = 0;
    at_end_ = false;
}

bool LineReader::fill() {
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        wipe_buffer(buffer_.data() + (end_ - begin_), begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size()) {
        if (buffer_.size() >= max_line_length) {
            throw Error(ExitCode::failure, "line is 1 MiB or longer; this is not a password file", display_path_,
                        number_ + 1);
        }
        std::string larger(buffer_.size() * 2, '\0');
        std::memcpy(larger.data(), buffer_.data(), end_);
        wipe_buffer(buffer_.data(), buffer_.size());
        buffer_.swap(larger);
    }
    for (;;) {
        const ssize_t got = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            throw system_error(display_path_, "cannot read", errno);
        }
        end_ += static_cast<std::size_t>(got);
        return got > 0;
    }
}

std::optional<RawLine> LineReader::next() {
    for (;;) {
        const std::string_view unread(buffer_.data() + begin_, end_ - begin_);
        const SplitLine split = first_line(unread);
        if (!split.eol.empty() || (at_end_ && !unread.empty())) {
            begin_ += split.size;
            return RawLine{split.text, split.eol, ++number_};
        }
        if (at_end_) {
            return std::nullopt;
        }
        at_end_ = !fill();
    }
}

}  // namespace mqpasswd
