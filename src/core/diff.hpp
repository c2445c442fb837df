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

// "--- a\n+++ b\n@@ -l,n +l,n @@\n" hunks with `context` kept lines around changes; "" if none.
[[nodiscard]] std::string unified_diff(const std::vector<DiffStep>& steps, const std::string& before_label,
                                       const std::string& after_label, std::size_t context = 3);

}  // namespace mqpasswd
