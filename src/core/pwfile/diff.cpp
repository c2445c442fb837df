// Hunk formatting in the GNU unified format that patch(1) and every reviewer read, and the line
// diff behind it for configuration edits: Myers' search on what the common start and end leave.
#include "core/pwfile/diff.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cstddef>
#include <span>

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

using Lines = std::span<const std::string>;
// frontiers[d][(k + d) / 2]: the furthest x that d edits reach on diagonal k = x - y (only the
// diagonals of d's parity are reachable, hence the halved index).
using Frontiers = std::vector<std::vector<std::ptrdiff_t>>;

const std::string& line_at(Lines lines, std::ptrdiff_t index) {
    return lines[static_cast<std::size_t>(index)];
}

std::ptrdiff_t reached(const std::vector<std::ptrdiff_t>& frontier, std::ptrdiff_t d, std::ptrdiff_t k) {
    return frontier[static_cast<std::size_t>((k + d) / 2)];
}

// Whether the best d-edit path to diagonal k comes down from k + 1 (an addition) rather than
// across from k - 1 (a removal); ties go to the removal, so removals come first.
bool comes_from_addition(const std::vector<std::ptrdiff_t>& previous, std::ptrdiff_t d, std::ptrdiff_t k) {
    return k == -d || (k != d && reached(previous, d - 1, k - 1) < reached(previous, d - 1, k + 1));
}

// Myers' greedy search ("An O(ND) Difference Algorithm", 1986): the frontiers of d = 0, 1, ...
// edits up to the first that reaches the end of both texts; empty past max_diff_edits, which
// bounds the time to O((n + m) * max_diff_edits) and the frontiers to max_diff_edits^2 / 2.
Frontiers search(Lines a, Lines b) {
    const auto n = static_cast<std::ptrdiff_t>(a.size());
    const auto m = static_cast<std::ptrdiff_t>(b.size());
    Frontiers frontiers;
    for (std::ptrdiff_t d = 0; d <= static_cast<std::ptrdiff_t>(max_diff_edits); ++d) {
        std::vector<std::ptrdiff_t> frontier(static_cast<std::size_t>(d) + 1);
        for (std::ptrdiff_t k = -d; k <= d; k += 2) {
            std::ptrdiff_t x = 0;
            if (d > 0) {
                const auto& previous = frontiers.back();
                x = comes_from_addition(previous, d, k) ? reached(previous, d - 1, k + 1)
                                                        : reached(previous, d - 1, k - 1) + 1;
            }
            std::ptrdiff_t y = x - k;
            while (x < n && y < m && line_at(a, x) == line_at(b, y)) {
                ++x;
                ++y;
            }
            frontier[static_cast<std::size_t>((k + d) / 2)] = x;
            if (x >= n && y >= m) {
                frontiers.push_back(std::move(frontier));
                return frontiers;
            }
        }
        frontiers.push_back(std::move(frontier));
    }
    return {};
}

// Walks the frontiers back from the end of both texts: each edit is preceded by the kept lines
// of its diagonal. Appends the steps last first.
void trace_back(Lines a, Lines b, const Frontiers& frontiers, std::vector<DiffStep>& reversed) {
    auto x = static_cast<std::ptrdiff_t>(a.size());
    auto y = static_cast<std::ptrdiff_t>(b.size());
    for (auto d = static_cast<std::ptrdiff_t>(frontiers.size()) - 1; d > 0; --d) {
        const std::ptrdiff_t k = x - y;
        const auto& previous = frontiers[static_cast<std::size_t>(d - 1)];
        const bool added = comes_from_addition(previous, d, k);
        const std::ptrdiff_t edit_end = added ? reached(previous, d - 1, k + 1) : reached(previous, d - 1, k - 1) + 1;
        for (; x > edit_end; --x, --y) {
            reversed.push_back({DiffOp::keep, line_at(a, x - 1)});
        }
        if (added) {
            reversed.push_back({DiffOp::add, line_at(b, --y)});
        } else {
            reversed.push_back({DiffOp::remove, line_at(a, --x)});
        }
    }
    for (; x > 0; --x) {
        reversed.push_back({DiffOp::keep, line_at(a, x - 1)});
    }
}

// The steps from a to b, which share no first or last line.
void append_middle(Lines a, Lines b, std::vector<DiffStep>& steps) {
    const Frontiers frontiers = search(a, b);
    if (frontiers.empty()) {
        // Too many changes to search for the shortest script: replacing the region is still a
        // correct one, and as readable as any when so much changed.
        for (const auto& line : a) {
            steps.push_back({DiffOp::remove, line});
        }
        for (const auto& line : b) {
            steps.push_back({DiffOp::add, line});
        }
        return;
    }
    const std::size_t first = steps.size();
    trace_back(a, b, frontiers, steps);
    std::reverse(steps.begin() + static_cast<std::ptrdiff_t>(first), steps.end());
    // A run of changes reads as what went, then what came, as in diff(1) and git.
    auto run = steps.begin() + static_cast<std::ptrdiff_t>(first);
    while (run != steps.end()) {
        const auto run_end =
            std::find_if(run, steps.end(), [](const DiffStep& step) { return step.op == DiffOp::keep; });
        std::stable_partition(run, run_end, [](const DiffStep& step) { return step.op == DiffOp::remove; });
        run = std::find_if(run_end, steps.end(), [](const DiffStep& step) { return step.op != DiffOp::keep; });
    }
}
}  // namespace

std::vector<std::string> split_text_lines(const std::string& text) {
    std::vector<std::string> lines;
    for (std::string_view rest = text; !rest.empty();) {
        lines.emplace_back(next_line(rest).text);
    }
    return lines;
}

std::vector<DiffStep> line_diff(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    // An edit touches a few lines: the common start and end cost one comparison a line and leave
    // the search only the middle.
    std::size_t prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < std::min(before.size(), after.size()) - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
        ++suffix;
    }
    std::vector<DiffStep> steps;
    steps.reserve(before.size() + after.size() - prefix - suffix);
    for (std::size_t i = 0; i < prefix; ++i) {
        steps.push_back({DiffOp::keep, before[i]});
    }
    append_middle(Lines(before).subspan(prefix, before.size() - prefix - suffix),
                  Lines(after).subspan(prefix, after.size() - prefix - suffix), steps);
    for (std::size_t i = before.size() - suffix; i < before.size(); ++i) {
        steps.push_back({DiffOp::keep, before[i]});
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
