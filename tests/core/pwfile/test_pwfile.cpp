#include "core/pwfile/pwfile.hpp"
#include "support/catch.hpp"

using namespace mqpasswd;

namespace {

const std::string h1 =
    "$7$101$AAECAwQFBgcICQoL$Xr99N9ym9ys8TWxis5ajETJq6EVYzmc6nb8t3pUYnPBbCAbICS4xejTltonXWCtJNBvA+By+TXUqU6qCblO00w==";
const std::string h2 =
    "$6$AAECAwQFBgcICQoL$JqsxEv/ucyxjA5DKsQ+Y8CDWaQDNQI9FpAkmfwAqWfwZLk/JEGgM0EpylrJHAZKKyFQjJeZ3nFaHjPzOzPPmPw==";

}  // namespace

TEST_CASE("a file with comments, blanks, CRLF, padding and unknown formats round-trips byte for byte", "[pwfile]") {
    const std::string content = "# staff accounts\n"
                                "\n"
                                "alice:" +
                                h1 +
                                "\n"
                                "   \t\n"
                                "bob:" +
                                h2 +
                                "\r\n"
                                " carol : " +
                                h1 +
                                " \n"
                                "dave:$5$rounds=5000$unknown$format\n"
                                "erin:plaintext\n"
                                "#frank:" +
                                h1 +
                                "\n"
                                "  # not a comment:plain\n"
                                "garbage without colon\n"
                                "last:" +
                                h2;  // no final newline
    const PwFile file = PwFile::parse(content);
    CHECK(file.serialise() == content);
    REQUIRE(file.lines().size() == 12);
    CHECK(file.lines()[0].kind == LineKind::comment);
    CHECK(file.lines()[1].kind == LineKind::blank);
    CHECK(file.lines()[2].kind == LineKind::entry);
    CHECK(file.lines()[3].kind == LineKind::blank);
    CHECK(file.lines()[4].eol == "\r\n");
    CHECK(file.lines()[4].hash == h2);
    CHECK(file.lines()[5].username == "carol");  // the broker trims both fields
    CHECK(file.lines()[5].hash == h1);
    CHECK(file.lines()[6].kind == LineKind::entry);  // unknown format: kept, not malformed
    CHECK(file.lines()[7].kind == LineKind::entry);  // plain text: recognised
    CHECK(file.lines()[8].kind == LineKind::comment);
    CHECK(file.lines()[9].username == "# not a comment");  // '#' counts only as the first byte
    CHECK(file.lines()[10].kind == LineKind::malformed);
    CHECK(file.lines()[11].eol.empty());
    CHECK(file.lines()[11].source_line == 12);
}

TEST_CASE("malformed lines say why and keep the user where one can be told", "[pwfile]") {
    // The line's views point into `text`, which lives until the end of each CHECK.
    const auto line = [](const std::string& text) { return classify_line(text, "\n", 7); };
    const auto problem = [&](const std::string& text) { return line_problem(line(text)); };
    CHECK(problem("alice") == "no ':' between username and password hash");
    CHECK(problem(":" + h1) == "missing username before ':'");
    CHECK(problem("   :" + h1) == "missing username before ':'");
    CHECK(problem("alice:") == "missing password hash after ':'");
    CHECK(line("alice:   ").username == "alice");
    CHECK(problem("alice:" + h1 + ":extra").find("unexpected ':'") == 0);
    CHECK(problem(std::string("al\0ice:x", 8)) == "NUL byte in line");
    CHECK(problem("alice:$7$0$AAECAwQFBgcICQoL$AAAA").find("undecodable $7$ hash: iteration") == 0);
    CHECK(line("alice:$7$0$AAECAwQFBgcICQoL$AAAA").username == "alice");
    CHECK(problem(std::string(65536, 'u') + ":" + h1) == "username is longer than 65535 bytes");
    CHECK(problem("alice:" + std::string(65536, 'p')) == "password hash is longer than 65535 bytes");
    for (const std::string text : {"alice", ":x", "alice:"}) {
        CHECK(line(text).kind == LineKind::malformed);
    }
}

TEST_CASE("set replaces in place, keeps the line ending and touches nothing else", "[pwfile]") {
    const std::string content = "# c\r\nalice:" + h1 + "\r\n  bob  :" + h2 + "\nzed:x\n";
    PwFile file = PwFile::parse(content);
    file.set("bob", "NEW");
    CHECK(file.serialise() == "# c\r\nalice:" + h1 + "\r\nbob:NEW\nzed:x\n");
    file.set("alice", "A");
    CHECK(file.serialise() == "# c\r\nalice:A\r\nbob:NEW\nzed:x\n");
}

TEST_CASE("set appends a new user and never merges it into an unterminated last line", "[pwfile]") {
    PwFile file = PwFile::parse("alice:" + h1);
    file.set("bob", h2);
    CHECK(file.serialise() == "alice:" + h1 + "\nbob:" + h2 + "\n");
    PwFile crlf = PwFile::parse("alice:" + h1 + "\r\n");
    crlf.set("bob", "x");
    CHECK(crlf.serialise() == "alice:" + h1 + "\r\nbob:x\r\n");
    PwFile empty = PwFile::parse("");
    empty.set("bob", "x");
    CHECK(empty.serialise() == "bob:x\n");
}

TEST_CASE("mosquitto_passwd's convention: every line written ends in LF", "[pwfile]") {
    PwFile file = PwFile::parse("alice:" + h1 + "\r\nbob:x\r\n");
    file.always_end_new_lines_with_lf();
    file.set("alice", "A");
    file.set("carol", "C");
    CHECK(file.serialise() == "alice:A\nbob:x\r\ncarol:C\n");
}

TEST_CASE("set on a duplicated user keeps the first line and drops the rest", "[pwfile]") {
    PwFile file = PwFile::parse("a:x\nb:y\na:z\nc:w\na:v\n");
    CHECK(file.duplicate_users().size() == 2);
    file.set("a", "N");
    CHECK(file.serialise() == "a:N\nb:y\nc:w\n");
    CHECK(file.duplicate_users().empty());
}

TEST_CASE("remove drops every line of the user, malformed ones included", "[pwfile]") {
    PwFile file = PwFile::parse("a:x\n# a\nb:y\na:\nc:w\n");
    CHECK(file.remove("a") == 2);
    CHECK(file.serialise() == "# a\nb:y\nc:w\n");
    CHECK(file.remove("nobody") == 0);
}

TEST_CASE("duplicates are reported at the later line, naming the first", "[pwfile]") {
    const PwFile file = PwFile::parse("a:x\nb:y\n a :z\n");
    const auto duplicates = file.duplicate_users();
    REQUIRE(duplicates.size() == 1);
    CHECK(duplicates[0].line == 3);
    CHECK(duplicates[0].message == "duplicate user 'a' (first at line 1)");
}

TEST_CASE("usernames match exactly and case-sensitively after trimming", "[pwfile]") {
    const PwFile file = PwFile::parse("Alice:x\n bob :y\n");
    CHECK(file.find("alice") == PwFile::npos);
    CHECK(file.find("Alice") == 0);
    CHECK(file.find("bob") == 1);
    CHECK(file.find(" bob ") == PwFile::npos);
}

TEST_CASE("masked text never shows a hash or a plain-text password", "[pwfile]") {
    const PwFile file = PwFile::parse("alice:" + h1 + "\nbob:hunter2\n# note\nbroken\n");
    CHECK(masked_text(file.lines()[0]) == "alice:$7$********");
    CHECK(masked_text(file.lines()[1]) == "bob:********");
    CHECK(masked_text(file.lines()[2]) == "# note");
    CHECK(masked_text(file.lines()[3]) == "<malformed line>");
}

TEST_CASE("lines stay valid when the model moves, short files included", "[pwfile]") {
    PwFile file = PwFile::parse("a:b\n");  // short enough for std::string to keep it inside itself
    PwFile moved = std::move(file);
    REQUIRE(moved.lines().size() == 1);
    CHECK(moved.lines()[0].text == "a:b");
    CHECK(moved.lines()[0].username == "a");
    moved.set("c", "d");
    PwFile again = std::move(moved);
    CHECK(again.serialise() == "a:b\nc:d\n");
}

TEST_CASE("unchanged tells the bytes read from any edit that changes them", "[pwfile]") {
    const std::string content = "# c\r\nalice:" + h1 + "\nbob:x";
    PwFile file = PwFile::parse(content);
    CHECK(file.unchanged());
    file.set("bob", "x");  // same text, but the unterminated last line now ends in a newline
    CHECK_FALSE(file.unchanged());
    PwFile same = PwFile::parse(content);
    same.set("alice", h1);
    CHECK(same.unchanged());  // same bytes, though the line was rebuilt
    same.remove("nobody");
    CHECK(same.unchanged());
    same.remove("bob");
    CHECK_FALSE(same.unchanged());
    CHECK(PwFile::parse("").unchanged());
}

TEST_CASE("write_to hands over the content in order, piece by piece", "[pwfile]") {
    PwFile file = PwFile::parse("a:1\r\nb:2");
    file.set("c", "3");
    std::vector<std::string> pieces;
    file.write_to([&](std::string_view piece) { pieces.emplace_back(piece); });
    CHECK(pieces == std::vector<std::string>{"a:1", "\r\n", "b:2", "\r\n", "c:3", "\r\n"});
}

TEST_CASE("set takes a username that points into the file itself", "[pwfile]") {
    PwFile file = PwFile::parse("a:1\nb:2\na:3\n");
    file.set(file.lines()[2].username, "N");  // the line it names is erased by this very call
    CHECK(file.serialise() == "a:N\nb:2\n");
}

TEST_CASE("line_username names the user classify_line names, for every kind of line", "[pwfile]") {
    for (const std::string& text : std::vector<std::string>{
             "", "   ", "#alice:x", " #alice:x", "alice", "alice:", ":x", "  :x", " alice :" + h1, "alice:x:y",
             std::string("al\0ice:x", 8), "alice:$7$0$AAECAwQFBgcICQoL$AAAA", "\talice\t:\tx", "a b:c"}) {
        INFO("line: " << text);
        CHECK(line_username(text) == classify_line(text, "\n", 1).username);
    }
    CHECK(line_username(" alice :x") == "alice");
}

TEST_CASE("every repeat is reported in file order, naming its user's first line", "[pwfile]") {
    const PwFile file = PwFile::parse("a:1\nb:2\na:3\nc:4\nb:\na:5\n# a:6\n a :7\n");
    const auto duplicates = file.duplicate_users();
    REQUIRE(duplicates.size() == 4);
    CHECK(duplicates[0].message == "duplicate user 'a' (first at line 1)");
    CHECK(duplicates[0].line == 3);
    CHECK(duplicates[1].message == "duplicate user 'b' (first at line 2)");  // a malformed line counts
    CHECK(duplicates[1].line == 5);
    CHECK(duplicates[2].line == 6);
    CHECK(duplicates[3].line == 8);
    CHECK(duplicates[3].message.starts_with("duplicate user 'a'"));
}
