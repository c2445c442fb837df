#include "core/fs/file_snapshot.hpp"
#include "core/fs/line_reader.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"
#include "support/temp_dir.hpp"

#include <random>
#include <string>
#include <vector>

using namespace mqpasswd;
using mqpasswd::test::error_code_of;

namespace {

struct Line {
    std::string text;
    std::string eol;
    std::size_t number;
    bool operator==(const Line&) const = default;
};

std::vector<Line> read_lines(LineReader& reader) {
    std::vector<Line> lines;
    while (const auto line = reader.next()) {
        lines.push_back({std::string(line->text), std::string(line->eol), line->number});
    }
    return lines;
}

std::vector<Line> read_file_lines(const std::string& content) {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), content);
    const UniqueFd fd = open_for_reading(dir.file("pw"));
    LineReader reader(fd.get(), dir.file("pw"));
    return read_lines(reader);
}

// What PwFile::parse makes of the same bytes: the reader must split exactly as the editor does.
std::vector<Line> parsed_lines(const std::string& content) {
    std::vector<Line> lines;
    const PwFile file = PwFile::parse(content);
    for (const auto& line : file.lines()) {
        lines.push_back({std::string(line.text), std::string(line.eol), line.source_line});
    }
    return lines;
}

}  // namespace

TEST_CASE("LineReader splits lines as the file model does", "[line_reader]") {
    for (const std::string content : {"", "a", "a\n", "a\r\nb", "\n\n", "a\rb\n", "x\r", "a:b\r\n\r\nc:d\n"}) {
        INFO("content: " << content);
        CHECK(read_file_lines(content) == parsed_lines(content));
    }
    CHECK(read_file_lines("a\r\nb") == std::vector<Line>{{"a", "\r\n", 1}, {"b", "", 2}});
}

// Lines of every length, CRLF pairs split across two reads, a last line with no newline: the
// reader's 64 KiB reads and its buffer moves must never show in what it returns.
TEST_CASE("LineReader is exact across read boundaries", "[line_reader]") {
    std::mt19937 random(6);
    std::string content;
    while (content.size() < 600'000) {
        const std::size_t length = random() % 7 == 0 ? random() % 150'000 : random() % 200;
        std::string text(length, 'x');
        for (auto& byte : text) {
            byte = static_cast<char>('a' + random() % 26);
        }
        content += text + (random() % 3 == 0 ? "\r\n" : "\n");
    }
    content += "last line";
    const auto lines = read_file_lines(content);
    CHECK(lines == parsed_lines(content));
    CHECK(lines.back().text == "last line");
}

TEST_CASE("LineReader reads the same lines again after rewind", "[line_reader]") {
    const test::TempDir dir;
    std::string content;
    for (int i = 0; i < 20'000; ++i) {
        content += "user" + std::to_string(i) + ":x\n";
    }
    test::write_file(dir.file("pw"), content);
    const UniqueFd fd = open_for_reading(dir.file("pw"));
    LineReader reader(fd.get(), dir.file("pw"));
    const auto first = read_lines(reader);
    reader.rewind();
    CHECK(read_lines(reader) == first);
    CHECK(first.size() == 20'000);
}

TEST_CASE("LineReader refuses a line longer than 1 MiB with FILE:LINE, in bounded memory", "[line_reader]") {
    const test::TempDir dir;
    test::write_file(dir.file("pw"), "a:b\n" + std::string(max_line_length - 1, 'x') + "\nc:d\n" +
                                         std::string(max_line_length, 'y') + "\n");
    const UniqueFd fd = open_for_reading(dir.file("pw"));
    LineReader reader(fd.get(), dir.file("pw"));
    CHECK(reader.next()->text == "a:b");
    CHECK(reader.next()->text.size() == max_line_length - 1);  // the longest that fits
    CHECK(reader.next()->text == "c:d");
    std::string message;
    CHECK(error_code_of([&] { (void)reader.next(); }, message) == ExitCode::failure);
    CHECK(message == dir.file("pw") + ":4: line is 1 MiB or longer; this is not a password file");
}
