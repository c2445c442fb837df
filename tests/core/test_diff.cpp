#include "core/diff.hpp"

#include <catch2/catch.hpp>

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
