#include "core/text.hpp"
#include "support/catch.hpp"

#include <string>
#include <utility>
#include <vector>

using namespace mqpasswd;

namespace {

using Lines = std::vector<std::pair<std::string, bool>>;

// Every line of `text` as next_line hands them out, with whether a '\n' ended each.
Lines lines_of(std::string_view text) {
    Lines lines;
    while (!text.empty()) {
        const TextLine line = next_line(text);
        lines.emplace_back(line.text, line.ended);
    }
    return lines;
}

}  // namespace

TEST_CASE("next_line takes one line and its newline off the front", "[text]") {
    std::string_view rest = "alice:x\nbob:y";
    const TextLine first = next_line(rest);
    CHECK(first.text == "alice:x");
    CHECK(first.ended);
    CHECK(rest == "bob:y");
    const TextLine last = next_line(rest);
    CHECK(last.text == "bob:y");
    CHECK_FALSE(last.ended);
    CHECK(rest.empty());
}

TEST_CASE("next_line: empty text has no lines, a final newline ends the last one", "[text]") {
    CHECK(lines_of("").empty());
    CHECK(lines_of("a") == Lines{{"a", false}});
    CHECK(lines_of("a\n") == Lines{{"a", true}});
    CHECK(lines_of("a\nb") == Lines{{"a", true}, {"b", false}});
    CHECK(lines_of("\n") == Lines{{"", true}});
    CHECK(lines_of("\n\na\n\n") == Lines{{"", true}, {"", true}, {"a", true}, {"", true}});
}

TEST_CASE("next_line splits at '\\n' alone: a '\\r' stays in the line", "[text]") {
    CHECK(lines_of("a\r\nb\r") == Lines{{"a\r", true}, {"b\r", false}});
    CHECK(lines_of("a\rb") == Lines{{"a\rb", false}});
    CHECK(lines_of(std::string_view("a\0b\n", 4)) == Lines{{std::string("a\0b", 3), true}});
}

TEST_CASE("next_line on empty text returns an empty, unended line", "[text]") {
    std::string_view rest;
    const TextLine line = next_line(rest);
    CHECK(line.text.empty());
    CHECK_FALSE(line.ended);
    CHECK(rest.empty());
}

namespace {
constexpr bool splits_at_compile_time() {
    std::string_view rest = "x\ny";
    const TextLine first = next_line(rest);
    return first.text == "x" && first.ended && rest == "y";
}
}  // namespace

TEST_CASE("next_line is constexpr", "[text]") {
    STATIC_REQUIRE(splits_at_compile_time());
}
