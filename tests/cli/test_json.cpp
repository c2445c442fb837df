#include "cli/json.hpp"
#include "support/catch.hpp"

using namespace mqpasswd::cli;

TEST_CASE("JSON strings escape what JSON requires and survive any bytes", "[json]") {
    CHECK(json_string("alice") == "\"alice\"");
    CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_string("a\nb\tc\x01") == "\"a\\nb\\tc\\u0001\"");
    CHECK(json_string("ünï") == "\"ünï\"");
    CHECK(json_string("\xff"
                      "a") == "\"\xEF\xBF\xBD"
                              "a\"");  // invalid UTF-8 becomes U+FFFD
    CHECK(json_string("\xe2\x82") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST_CASE("JSON objects and arrays", "[json]") {
    JsonObject object;
    object.field("name", "x")
        .field("ok", true)
        .field("n", 3ULL)
        .raw("list", JsonArray().add_string("a").add("1").str());
    CHECK(object.str() == R"({"name":"x","ok":true,"n":3,"list":["a",1]})");
    CHECK(JsonArray().str() == "[]");
}
