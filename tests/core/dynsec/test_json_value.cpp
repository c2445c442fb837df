// The JSON document model: what it keeps (order, number text, UTF-8), what it refuses, its limits.
#include "core/dynsec/json_value.hpp"
#include "core/error.hpp"
#include "support/catch.hpp"
#include "support/errors.hpp"

#include <string>

using namespace mqpasswd;
using Catch::Matchers::ContainsSubstring;
using mqpasswd::test::error_code_of;

namespace {

JsonValue parse(const std::string& text, const JsonLimits& limits = {}) {
    return parse_json(text, "d.json", limits);
}

// The one-line message parse_json refuses `text` with (it must refuse).
std::string refusal(const std::string& text, const JsonLimits& limits = {}) {
    std::string message;
    REQUIRE(error_code_of([&] { (void)parse(text, limits); }, message) == ExitCode::failure);
    return message;
}

}  // namespace

TEST_CASE("a document survives a round trip with its key order and number texts", "[json_value]") {
    const std::string text = R"({"z": 1, "a": [1.50, -0, 1e3, 2E-7, 12345678901234567890], "m": {"t": true,)"
                             R"( "f": false, "n": null, "s": "x"}, "e": {}, "l": []})";
    const JsonValue document = parse(text);
    REQUIRE(document.members().size() == 5);
    CHECK(document.members()[0].first == "z");
    CHECK(document.members()[1].first == "a");
    const auto& numbers = document.find("a")->items();
    CHECK(numbers[0].text() == "1.50");
    CHECK(numbers[1].text() == "-0");
    CHECK(numbers[2].text() == "1e3");
    CHECK(numbers[3].text() == "2E-7");
    CHECK(numbers[4].text() == "12345678901234567890");  // past a double's precision: kept as written
    const std::string written = serialise_json(document);
    CHECK(parse(written) == document);
    CHECK(serialise_json(parse(written)) == written);
    CHECK_THAT(written, ContainsSubstring("\"e\": {}"));
    CHECK_THAT(written, ContainsSubstring("\"l\": []"));
    CHECK(written.back() == '\n');
}

TEST_CASE("escapes are decoded, and written back only where JSON needs them", "[json_value]") {
    const JsonValue value = parse(R"(["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20ac\ud83d\ude00", "\u0000x", "é€😀"])");
    CHECK(value.items()[0].text() == "a\"b\\c/d\b\f\n\r\t");
    CHECK(value.items()[1].text() == "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    CHECK(value.items()[2].text() == std::string("\0x", 2));
    CHECK(value.items()[3].text() == value.items()[1].text());
    CHECK(json_quoted(value.items()[0].text()) == R"("a\"b\\c/d\u0008\u000c\n\r\t")");
    CHECK(json_quoted(value.items()[1].text()) == "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
    CHECK(json_quoted(value.items()[2].text()) == R"("\u0000x")");
    CHECK(json_quoted("\x7F") == "\"\x7F\"");
}

TEST_CASE("bad syntax is refused with the line it is on", "[json_value]") {
    CHECK(refusal("{\n\"a\": 1,\n}") == "d.json:3: not valid JSON: expected a key in quotes");
    CHECK(refusal("[1 2]") == "d.json:1: not valid JSON: expected ',' or ']'");
    CHECK(refusal("{\"a\" 1}") == "d.json:1: not valid JSON: expected ':' after a key");
    CHECK(refusal("[01]") == "d.json:1: not valid JSON: a number with a leading zero");
    CHECK(refusal("[1.]") == "d.json:1: not valid JSON: a number with no digits after '.'");
    CHECK(refusal("[1e]") == "d.json:1: not valid JSON: a number with no digits in its exponent");
    CHECK(refusal("[+1]") == "d.json:1: not valid JSON: unexpected character");
    CHECK(refusal("[tru]") == "d.json:1: not valid JSON: unknown word");
    CHECK(refusal("{} {}") == "d.json:1: not valid JSON: more after the end of the document");
    CHECK(refusal("") == "d.json:1: not valid JSON: unexpected end");
    CHECK(refusal("[\"abc") == "d.json:1: not valid JSON: a string without its closing quote");
    CHECK(refusal("[\"a\tb\"]") == "d.json:1: not valid JSON: a control character inside a string (JSON needs it "
                                   "escaped)");
    CHECK(refusal("[\"\\x\"]") == "d.json:1: not valid JSON: an unknown escape \\x");
    CHECK(refusal("[\"\\u12\"]") == "d.json:1: not valid JSON: a \\u escape without four hex digits");
    CHECK(refusal("\xEF\xBB\xBF{}") == "d.json:1: not valid JSON: a byte order mark");
    CHECK(refusal("// c\n{}") == "d.json:1: not valid JSON: unexpected character");
}

TEST_CASE("invalid UTF-8 and lone surrogates are refused, never changed into something else", "[json_value]") {
    CHECK(refusal("[\"\xC3\"]") == "d.json:1: not valid JSON: a string that is not valid UTF-8");
    CHECK(refusal("[\"\xC0\xAF\"]") == "d.json:1: not valid JSON: a string that is not valid UTF-8");  // overlong
    CHECK(refusal("[\"\xED\xA0\x80\"]") == "d.json:1: not valid JSON: a string that is not valid UTF-8");
    CHECK(refusal(R"(["\ud800"])") == "d.json:1: not valid JSON: a lone surrogate escape");
    CHECK(refusal(R"(["\udc00"])") == "d.json:1: not valid JSON: a lone surrogate escape");
    CHECK(refusal(R"(["\ud800\u0041"])") == "d.json:1: not valid JSON: a lone surrogate escape");
}

TEST_CASE("a duplicate key in one object is refused, the same key in two objects is not", "[json_value]") {
    CHECK(refusal("{\"a\": 1,\n \"a\": 2}") == "d.json:2: duplicate key 'a' in one object");
    CHECK(parse(R"([{"a": 1}, {"a": 2}])").items().size() == 2);
}

TEST_CASE("depth, size and value count are bounded", "[json_value]") {
    JsonLimits limits;
    limits.max_depth = 4;
    CHECK(parse("[[[[1]]]]", limits).kind() == JsonKind::array);
    CHECK(refusal("[[[[[1]]]]]", limits) == "d.json:1: not valid JSON: nested deeper than 4");
    CHECK(refusal("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}", limits) == "d.json:1: not valid JSON: nested deeper than 4");
    // The default depth stops a stack-exhausting document at once, whatever its size.
    CHECK_THAT(refusal(std::string(100000, '[')), ContainsSubstring("nested deeper than 64"));
    limits = {};
    limits.max_values = 3;
    CHECK(parse("[1, 2]", limits).items().size() == 2);
    CHECK(refusal("[1, 2, 3]", limits) == "d.json:1: not valid JSON: more than 3 values");
    limits = {};
    limits.max_bytes = std::size_t{1} << 20;
    CHECK(refusal("[" + std::string((std::size_t{1} << 20), ' ') + "]", limits) == "d.json: larger than 1 MiB");
}

TEST_CASE("set replaces a member in place or appends it, erase removes it", "[json_value]") {
    JsonValue object = parse(R"({"a": 1, "b": 2})");
    object.set("a", JsonValue::string("x"));
    object.set("c", JsonValue::boolean(true));
    CHECK(serialise_json(object) == "{\n\t\"a\": \"x\",\n\t\"b\": 2,\n\t\"c\": true\n}\n");
    CHECK(object.erase("b"));
    CHECK_FALSE(object.erase("b"));
    CHECK(object.find("b") == nullptr);
    CHECK(JsonValue::array().find("a") == nullptr);
}

// A hostile file (its owner is the broker's account) must not make root's parse quadratic while
// it holds the lock: a million distinct keys in one object (14 MB, within the 32 MiB limit). A
// linear check takes about a second; the scan per key it replaces took 12 s for 80,000 keys, so
// over half an hour here: past ctest's 1500 s limit, a failure.
TEST_CASE("an object with a million keys is parsed in linear time", "[json_value]") {
    std::string text = "{";
    for (int i = 0; i < 1000000; ++i) {
        text += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":0";
    }
    text += "}";
    const JsonValue document = parse_json(text, "big.json");
    CHECK(document.members().size() == 1000000);
}
