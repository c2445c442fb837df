// Unified diffs for --dry-run. The steps come from the password-file model, which knows which
// line came from where, so no diff search is needed; callers pass lines with hashes masked.
#pragma once

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

// The steps from `before` to `after` by longest common subsequence; for small files (a
// configuration), as it costs size(before) x size(after).
[[nodiscard]] std::vector<DiffStep> line_diff(const std::vector<std::string>& before,
                                              const std::vector<std::string>& after);

// "--- a\n+++ b\n@@ -l,n +l,n @@\n" hunks with `context` kept lines around changes; "" if none.
[[nodiscard]] std::string unified_diff(const std::vector<DiffStep>& steps, const std::string& before_label,
                                       const std::string& after_label, std::size_t context = 3);

}  // namespace mqpasswd
