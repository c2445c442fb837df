// Unified diffs for --dry-run. A password file's steps come from its model, which knows which
// line came from where (callers pass lines with hashes masked); a configuration edit's come from
// line_diff.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mqpasswd {

enum class DiffOp { keep, remove, add };

struct DiffStep {
    DiffOp op;
    std::string text;
};

// Lines of a text, without their "\n".
[[nodiscard]] std::vector<std::string> split_text_lines(const std::string& text);

// Past this many removed plus added lines (after the common start and end), line_diff stops
// looking for the shortest script: its cost grows with that number times the size of the files.
inline constexpr std::size_t max_diff_edits = 512;

// The steps from `before` to `after`, removals before additions in each changed run: the shortest
// such script (Myers' O(ND) search) when it has at most max_diff_edits changes; past that, the
// region from the first to the last changed line is removed and added whole, still a correct
// script. Time O((n + m) * max_diff_edits) at worst, memory O(n + m + max_diff_edits^2): a
// configuration of any size the reader accepts, not only a small one.
[[nodiscard]] std::vector<DiffStep> line_diff(const std::vector<std::string>& before,
                                              const std::vector<std::string>& after);

// "--- a\n+++ b\n@@ -l,n +l,n @@\n" hunks with `context` kept lines around changes; "" if none.
[[nodiscard]] std::string unified_diff(const std::vector<DiffStep>& steps, const std::string& before_label,
                                       const std::string& after_label, std::size_t context = 3);

}  // namespace mqpasswd
