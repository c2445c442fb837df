#include "broker/reload.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

TEST_CASE("a pid_file holds a positive decimal pid and white space, nothing else", "[reload]") {
    CHECK(parse_pid_text("1234\n") == 1234);
    CHECK(parse_pid_text("1234") == 1234);
    CHECK(parse_pid_text("1234\r\n") == 1234);
    CHECK(parse_pid_text("2147483647\n") == 2147483647);
    CHECK_FALSE(parse_pid_text(""));
    CHECK_FALSE(parse_pid_text("\n"));
    CHECK_FALSE(parse_pid_text("0\n"));
    CHECK_FALSE(parse_pid_text("-5\n"));
    CHECK_FALSE(parse_pid_text("+5\n"));
    CHECK_FALSE(parse_pid_text(" 1234\n"));
    CHECK_FALSE(parse_pid_text("12abc\n"));
    CHECK_FALSE(parse_pid_text("1234\n5678\n"));
    CHECK_FALSE(parse_pid_text("2147483648\n"));
    CHECK_FALSE(parse_pid_text("99999999999\n"));
    CHECK_FALSE(parse_pid_text(std::string_view("12\0"
                                                "34",
                                                5)));
}
