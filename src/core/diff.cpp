// Hunk formatting in the GNU unified format that patch(1) and every reviewer read.
#include "core/diff.hpp"

#include <algorithm>

namespace mqpasswd {
namespace {

std::string range(std::size_t start, std::size_t count) {
    // Lines are numbered from 1; an empty range names the line before it.
    const std::size_t first = count == 0 ? start : start + 1;
    return std::to_string(first) + (count == 1 ? "" : "," + std::to_string(count));
}

// End (exclusive) of the hunk that holds the change at `first_change`: changes closer than
// 2 * context kept lines share a hunk.
std::size_t hunk_end(const std::vector<DiffStep>& steps, std::size_t first_change, std::size_t context) {
    std::size_t last_change = first_change;
    std::size_t keeps = 0;
    for (std::size_t j = first_change; j < steps.size() && keeps <= 2 * context; ++j) {
        if (steps[j].op == DiffOp::keep) {
            ++keeps;
        } else {
            keeps = 0;
            last_change = j;
        }
    }
    return std::min(steps.size(), last_change + 1 + context);
}

}  // namespace

std::vector<std::string> split_text_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t newline = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, newline - start));
        start = newline + 1;
    }
    return lines;
}

std::vector<DiffStep> line_diff(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    const std::size_t n = before.size();
    const std::size_t m = after.size();
    // common[i][j]: length of the LCS of before[i..] and after[j..].
    std::vector<std::vector<std::size_t>> common(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            common[i][j] =
                before[i] == after[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
        }
    }
    std::vector<DiffStep> steps;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && before[i] == after[j]) {
            steps.push_back({DiffOp::keep, before[i++]});
            ++j;
        } else if (j < m && (i == n || common[i][j + 1] >= common[i + 1][j])) {
            steps.push_back({DiffOp::add, after[j++]});
        } else {
            steps.push_back({DiffOp::remove, before[i++]});
        }
    }
    return steps;
}

std::string unified_diff(const std::vector<DiffStep>& steps, const std::string& before_label,
                         const std::string& after_label, std::size_t context) {
    std::string out;
    std::size_t before_line = 0;  // lines of each side consumed by steps[0, i)
    std::size_t after_line = 0;
    std::size_t i = 0;
    while (i < steps.size()) {
        if (steps[i].op == DiffOp::keep) {
            ++before_line;
            ++after_line;
            ++i;
            continue;
        }
        const std::size_t lead = std::min({context, before_line, after_line, i});
        const std::size_t start = i - lead;
        const std::size_t end = hunk_end(steps, i, context);
        std::size_t before_count = 0;
        std::size_t after_count = 0;
        std::string body;
        for (std::size_t j = start; j < end; ++j) {
            const DiffStep& step = steps[j];
            const char mark = step.op == DiffOp::keep ? ' ' : step.op == DiffOp::remove ? '-' : '+';
            body += mark + step.text + '\n';
            before_count += step.op != DiffOp::add ? 1 : 0;
            after_count += step.op != DiffOp::remove ? 1 : 0;
        }
        if (out.empty()) {
            out = "--- " + before_label + "\n+++ " + after_label + "\n";
        }
        out += "@@ -" + range(before_line - lead, before_count) + " +" + range(after_line - lead, after_count) +
               " @@\n" + body;
        for (std::size_t j = i; j < end; ++j) {
            before_line += steps[j].op != DiffOp::add ? 1 : 0;
            after_line += steps[j].op != DiffOp::remove ? 1 : 0;
        }
        i = end;
    }
    return out;
}

}  // namespace mqpasswd
