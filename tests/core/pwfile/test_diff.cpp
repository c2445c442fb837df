#include "core/pwfile/diff.hpp"
#include "support/catch.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <sys/resource.h>
#include <utility>

using namespace mqpasswd;

namespace {
std::vector<DiffStep> keeps(int count, const std::string& prefix) {
    std::vector<DiffStep> steps;
    for (int i = 1; i <= count; ++i) {
        steps.push_back({DiffOp::keep, prefix + std::to_string(i)});
    }
    return steps;
}
}  // namespace

TEST_CASE("no change, no diff", "[diff]") {
    CHECK(unified_diff(keeps(5, "k"), "a", "b").empty());
}

TEST_CASE("a change in the middle gets three lines of context", "[diff]") {
    auto steps = keeps(10, "k");
    steps.insert(steps.begin() + 5, {{DiffOp::remove, "old"}, {DiffOp::add, "new"}});
    CHECK(unified_diff(steps, "a", "b") == "--- a\n+++ b\n@@ -3,7 +3,7 @@\n k3\n k4\n k5\n-old\n+new\n k6\n k7\n k8\n");
}

TEST_CASE("an addition at the end and a removal at the start", "[diff]") {
    auto steps = keeps(2, "k");
    steps.push_back({DiffOp::add, "n"});
    CHECK(unified_diff(steps, "a", "b") == "--- a\n+++ b\n@@ -1,2 +1,3 @@\n k1\n k2\n+n\n");
    std::vector<DiffStep> removal{{DiffOp::remove, "r"}};
    CHECK(unified_diff(removal, "a", "b") == "--- a\n+++ b\n@@ -1 +0,0 @@\n-r\n");
}

TEST_CASE("distant changes get separate hunks, near ones share one", "[diff]") {
    auto far = keeps(20, "k");
    far.insert(far.begin() + 15, DiffStep{DiffOp::add, "y"});
    far.insert(far.begin() + 2, DiffStep{DiffOp::add, "x"});
    const std::string text = unified_diff(far, "a", "b");
    CHECK(text == "--- a\n+++ b\n@@ -1,5 +1,6 @@\n k1\n k2\n+x\n k3\n k4\n k5\n"
                  "@@ -13,6 +14,7 @@\n k13\n k14\n k15\n+y\n k16\n k17\n k18\n");
    auto near = keeps(10, "k");
    near.insert(near.begin() + 6, DiffStep{DiffOp::add, "y"});
    near.insert(near.begin() + 2, DiffStep{DiffOp::add, "x"});
    CHECK(unified_diff(near, "a", "b") ==
          "--- a\n+++ b\n@@ -1,9 +1,11 @@\n k1\n k2\n+x\n k3\n k4\n k5\n k6\n+y\n k7\n k8\n k9\n");
}

namespace {
using Lines = std::vector<std::string>;

// The two texts an edit script describes: keeps and removals give the old one, keeps and
// additions the new one.
std::pair<Lines, Lines> sides_of(const std::vector<DiffStep>& steps) {
    std::pair<Lines, Lines> sides;
    for (const auto& step : steps) {
        if (step.op != DiffOp::add) {
            sides.first.push_back(step.text);
        }
        if (step.op != DiffOp::remove) {
            sides.second.push_back(step.text);
        }
    }
    return sides;
}

std::size_t count_of(const std::vector<DiffStep>& steps, DiffOp op) {
    return static_cast<std::size_t>(
        std::count_if(steps.begin(), steps.end(), [&](const DiffStep& step) { return step.op == op; }));
}

// The reference: the longest common subsequence by the full table, for small inputs only.
std::size_t lcs_length(const Lines& a, const Lines& b) {
    std::vector<std::vector<std::size_t>> table(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;) {
        for (std::size_t j = b.size(); j-- > 0;) {
            table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : std::max(table[i + 1][j], table[i][j + 1]);
        }
    }
    return table[0][0];
}

// Lines from a small alphabet, so that random texts share many lines.
Lines random_lines(std::mt19937& random, std::size_t max_size) {
    Lines lines(std::uniform_int_distribution<std::size_t>(0, max_size)(random));
    for (auto& line : lines) {
        line = std::string(1, static_cast<char>('a' + std::uniform_int_distribution<int>(0, 3)(random)));
    }
    return lines;
}

// Within each run of changes between kept lines, every removal comes before every addition.
bool removals_first(const std::vector<DiffStep>& steps) {
    for (std::size_t i = 1; i < steps.size(); ++i) {
        if (steps[i - 1].op == DiffOp::add && steps[i].op == DiffOp::remove) {
            return false;
        }
    }
    return true;
}

Lines numbered(std::size_t count, const std::string& prefix) {
    Lines lines;
    lines.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        lines.push_back(prefix + std::to_string(i));
    }
    return lines;
}

long peak_rss_kib() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}
}  // namespace

TEST_CASE("line_diff gives a minimal edit script for random inputs", "[diff]") {
    std::mt19937 random(14);  // fixed: a failure repeats
    for (int round = 0; round < 3000; ++round) {
        const Lines before = random_lines(random, 12);
        const Lines after = random_lines(random, round % 10 == 0 ? 0 : 12);
        const auto steps = line_diff(before, after);
        INFO("round " << round);
        REQUIRE(sides_of(steps) == std::pair{before, after});
        CHECK(count_of(steps, DiffOp::keep) == lcs_length(before, after));
        CHECK(removals_first(steps));
    }
}

TEST_CASE("a replaced line is a removal then an addition", "[diff]") {
    const auto steps = line_diff({"k1", "k2", "k3", "k4", "old", "k5"}, {"k1", "k2", "k3", "k4", "new", "k5", "end"});
    CHECK(unified_diff(steps, "a", "b") == "--- a\n+++ b\n@@ -2,5 +2,6 @@\n k2\n k3\n k4\n-old\n+new\n k5\n+end\n");
    CHECK(line_diff({}, {}).empty());
    CHECK(unified_diff(line_diff({}, {"x"}), "/dev/null", "b") == "--- /dev/null\n+++ b\n@@ -0,0 +1 @@\n+x\n");
}

TEST_CASE("200,000 lines with three changes diff in linear time and space", "[diff]") {
    const Lines before = numbered(200000, "option_");
    Lines after = before;
    after[10] = "changed";
    after.insert(after.begin() + 100000, "inserted");
    after.erase(after.begin() + 199990);
    const long rss_before = peak_rss_kib();
    const auto started = std::chrono::steady_clock::now();
    const auto steps = line_diff(before, after);
    const auto took = std::chrono::steady_clock::now() - started;
    // The peak only grows, so this cannot fail for memory that earlier tests used; the old
    // n x m table would have needed 320 GB here.
    CHECK(peak_rss_kib() - rss_before < 64 * 1024);
    CHECK(took < std::chrono::seconds(1));
    REQUIRE(sides_of(steps) == std::pair{before, after});
    CHECK(count_of(steps, DiffOp::keep) == 199998);
    CHECK(steps.size() == 200002);
}

TEST_CASE("past max_diff_edits the changed region is replaced whole, still a correct script", "[diff]") {
    // Every second line replaced: each replacement is two edits.
    const auto replace_every_other = [](std::size_t replacements) {
        Lines before = numbered(2 * max_diff_edits + 10, "k");
        Lines after = before;
        for (std::size_t r = 0; r < replacements; ++r) {
            after[1 + 2 * r] = "x" + std::to_string(r);
        }
        return std::pair{before, after};
    };
    const auto [near_before, near_after] = replace_every_other(max_diff_edits / 2);
    const auto near = line_diff(near_before, near_after);
    CHECK(sides_of(near) == std::pair{near_before, near_after});
    CHECK(count_of(near, DiffOp::remove) == max_diff_edits / 2);
    const auto [far_before, far_after] = replace_every_other(max_diff_edits / 2 + 1);
    const auto far = line_diff(far_before, far_after);
    CHECK(sides_of(far) == std::pair{far_before, far_after});
    const std::size_t region = 2 * (max_diff_edits / 2 + 1) - 1;  // first to last replaced line
    CHECK(count_of(far, DiffOp::remove) == region);
    CHECK(count_of(far, DiffOp::add) == region);
    CHECK(removals_first(far));

    const Lines old_text = numbered(100000, "old");
    const Lines new_text = numbered(100000, "new");
    const auto started = std::chrono::steady_clock::now();
    const auto whole = line_diff(old_text, new_text);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
    CHECK(sides_of(whole) == std::pair{old_text, new_text});
}
