// Parsing follows the broker's tokenizer (shared/facts/pwfile-format.md §2.1) so that what we
// call an entry is exactly what the broker reads; anything it would reject or misread is malformed.
#include "core/pwfile/pwfile.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/secret.hpp"
#include "core/error.hpp"
#include "core/pwfile/username.hpp"
#include "core/quote.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <unordered_map>

namespace mqpasswd {
namespace {

constexpr std::string_view lf = "\n";
constexpr std::string_view crlf = "\r\n";

// The reason an entry's fields would be rejected or misread by the broker, or "".
std::string entry_problem(std::string_view username, std::string_view hash) {
    if (username.size() > max_field_length) {
        return "username is longer than 65535 bytes";
    }
    if (hash.empty()) {
        return "missing password hash after ':'";
    }
    if (hash.size() > max_field_length) {
        return "password hash is longer than 65535 bytes";
    }
    if (hash.find(':') != std::string_view::npos) {
        return "unexpected ':' after the password hash (the broker ignores everything after it)";
    }
    const HashInfo info = inspect_hash(hash);
    if (info.kind == HashKind::invalid) {
        return "undecodable " + std::string(hash.substr(0, hash.find('$', 1) + 1)) + " hash: " + info.problem;
    }
    return {};
}

struct Classified {
    LineKind kind = LineKind::blank;
    std::string_view username;
    std::string_view hash;
    std::string problem;
};

Classified classify_text(std::string_view text) {
    Classified line;
    if (text.size() >= max_line_length) {
        line.kind = LineKind::malformed;
        line.problem = "line is 1 MiB or longer; this is not a password file";
        return line;
    }
    if (text.find('\0') != std::string_view::npos) {
        line.kind = LineKind::malformed;
        line.problem = "NUL byte in line";
        return line;
    }
    if (trim(text).empty()) {
        return line;  // blank
    }
    if (text.front() == '#') {
        line.kind = LineKind::comment;
        return line;
    }
    line.kind = LineKind::malformed;
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        line.problem = "no ':' between username and password hash";
        return line;
    }
    line.username = trim(text.substr(0, colon));
    if (line.username.empty()) {
        line.problem = "missing username before ':'";
        return line;
    }
    const std::string_view hash = trim(text.substr(colon + 1));
    line.problem = entry_problem(line.username, hash);
    if (line.problem.empty()) {
        line.hash = hash;
        line.kind = LineKind::entry;
    }
    return line;
}

}  // namespace

std::string_view line_username(std::string_view text) noexcept {
    if (text.empty() || text.size() >= max_line_length || text.front() == '#' ||
        text.find('\0') != std::string_view::npos) {
        return {};
    }
    const std::size_t colon = text.find(':');
    return colon == std::string_view::npos ? std::string_view() : trim(text.substr(0, colon));
}

SplitLine first_line(std::string_view content) noexcept {
    std::string_view rest = content;
    TextLine line = next_line(rest);
    const std::size_t size = content.size() - rest.size();
    if (!line.ended) {
        return {line.text, {}, size};
    }
    if (line.text.ends_with('\r')) {
        line.text.remove_suffix(1);
        return {line.text, crlf, size};
    }
    return {line.text, lf, size};
}

PwLine classify_line(std::string_view text, std::string_view eol, std::size_t source_line) {
    Classified classified = classify_text(text);
    PwLine line;
    line.text = text;
    line.eol = eol;
    line.source_line = static_cast<std::uint32_t>(source_line);
    line.kind = classified.kind;
    line.username = classified.username;
    line.hash = classified.hash;
    return line;
}

std::string line_problem(const PwLine& line) {
    return line.kind == LineKind::malformed ? classify_text(line.text).problem : std::string();
}

PwFile::~PwFile() {
    // Plain-text entries and unreadable lines may hold passwords. Lines made since parsing hold
    // only hashes that mqpasswd generated, and need no wiping.
    if (storage_) {
        wipe_buffer(storage_->content.data(), storage_->content.size());
    }
}

void PwFile::clear() noexcept {
    lines_.clear();  // the bytes stay until the model goes: views of the old lines may still be in use
}

PwFile PwFile::parse(std::string content, const std::string& display_path) {
    PwFile file;
    file.storage_->content = std::move(content);
    std::string_view rest = file.storage_->content;
    const auto newlines = static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '\n'));
    if (newlines > max_lines) {
        throw Error(ExitCode::failure,
                    "has more than " + std::to_string(max_lines) +
                        " lines; not a password file mqpasswd edits (verify and list still read it)",
                    display_path);
    }
    file.lines_.reserve(newlines + 1);
    std::size_t number = 0;
    while (!rest.empty()) {
        const SplitLine split = first_line(rest);
        file.lines_.push_back(classify_line(split.text, split.eol, ++number));
        rest.remove_prefix(split.size);
    }
    return file;
}

void PwFile::write_to(const std::function<void(std::string_view)>& write) const {
    for (const auto& line : lines_) {
        write(line.text);
        write(line.eol);
    }
}

std::string PwFile::serialise() const {
    std::string content;
    write_to([&](std::string_view piece) { content += piece; });
    return content;
}

bool PwFile::unchanged() const noexcept {
    const std::string_view original = storage_->content;
    std::size_t offset = 0;
    for (const auto& line : lines_) {
        for (const std::string_view piece : {line.text, line.eol}) {
            // A line still viewing the very bytes at this offset is equal without a comparison.
            const bool same = piece.data() == original.data() + offset ? offset + piece.size() <= original.size()
                                                                       : original.substr(offset, piece.size()) == piece;
            if (!same) {
                return false;
            }
            offset += piece.size();
        }
    }
    return offset == original.size();
}

std::size_t PwFile::find(std::string_view username) const noexcept {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        if (!lines_[i].username.empty() && lines_[i].username == username) {
            return i;
        }
    }
    return npos;
}

std::string_view PwFile::new_line_ending() const {
    // Follow the file's own convention (its last terminated line); LF otherwise, as
    // mosquitto_passwd writes.
    if (lf_only_) {
        return lf;
    }
    for (auto line = lines_.rbegin(); line != lines_.rend(); ++line) {
        if (!line->eol.empty()) {
            return line->eol;
        }
    }
    return lf;
}

std::string_view PwFile::keep(std::string text) {
    return storage_->added.emplace_back(std::move(text));
}

PwLine PwFile::entry_line(std::string_view text, std::size_t username_length, std::string_view eol,
                          std::uint32_t source_line) {
    PwLine line;
    line.text = text;
    line.eol = eol;
    line.kind = LineKind::entry;
    line.username = text.substr(0, username_length);
    line.hash = text.substr(username_length + 1);
    line.source_line = source_line;
    return line;
}

NewEntry new_entry(std::string_view username, std::string_view hash) {
    NewEntry entry;
    entry.text.reserve(username.size() + 1 + hash.size());
    entry.text.append(username).append(1, ':').append(hash);
    entry.username_length = username.size();
    return entry;
}

void PwFile::set(std::string_view username, std::string_view hash) {
    const std::string_view text = keep(new_entry(username, hash).text);
    const std::size_t first = find(username);
    if (first == npos) {
        append(entry_line(text, username.size(), {}, 0));
        return;
    }
    PwLine& line = lines_[first];
    const std::string_view eol = line.eol.empty() || lf_only_ ? new_line_ending() : line.eol;
    line = entry_line(text, username.size(), eol, line.source_line);
    std::size_t index = 0;
    std::erase_if(lines_, [&](const PwLine& other) { return index++ > first && other.username == username; });
}

void PwFile::append(PwLine line) {
    const std::string_view eol = new_line_ending();
    if (!lines_.empty() && lines_.back().eol.empty()) {
        lines_.back().eol = eol;  // never merge a new entry into an unterminated last line
    }
    line.eol = eol;
    lines_.push_back(line);
}

void PwFile::set_all(std::vector<NewEntry> entries) {
    // user -> index of the first line naming it
    std::unordered_map<std::string_view, std::size_t> first;
    first.reserve(lines_.size());
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        if (!lines_[i].username.empty()) {
            first.emplace(lines_[i].username, i);
        }
    }
    std::vector<bool> replaced(lines_.size(), false);
    std::vector<PwLine> appended;
    for (auto& entry : entries) {
        const std::string_view text = keep(std::move(entry.text));
        const auto found = first.find(text.substr(0, entry.username_length));
        if (found == first.end()) {
            appended.push_back(entry_line(text, entry.username_length, {}, 0));
            continue;
        }
        PwLine& line = lines_[found->second];
        const std::string_view eol = line.eol.empty() || lf_only_ ? new_line_ending() : line.eol;
        line = entry_line(text, entry.username_length, eol, line.source_line);
        replaced[found->second] = true;
    }
    // Later lines of a replaced user go; one pass keeps this linear.
    std::size_t index = 0;
    std::erase_if(lines_, [&](const PwLine& line) {
        const std::size_t at = index++;
        if (line.username.empty() || replaced[at]) {
            return false;
        }
        const auto found = first.find(line.username);
        return found != first.end() && found->second != at && replaced[found->second];
    });
    lines_.reserve(lines_.size() + appended.size());
    for (const auto& line : appended) {
        append(line);
    }
}

std::vector<std::string> PwFile::remove_unless(const std::function<bool(std::string_view)>& keep_user) {
    std::vector<std::string> removed;
    std::unordered_map<std::string_view, bool> seen;
    std::erase_if(lines_, [&](const PwLine& line) {
        if (line.username.empty() || keep_user(line.username)) {
            return false;
        }
        if (seen.emplace(line.username, true).second) {
            removed.emplace_back(line.username);
        }
        return true;
    });
    return removed;
}

std::size_t PwFile::remove(std::string_view username) {
    const auto before = lines_.size();
    std::erase_if(lines_, [&](const PwLine& line) { return !line.username.empty() && line.username == username; });
    return before - lines_.size();
}

std::vector<LineProblem> PwFile::malformed_lines() const {
    std::vector<LineProblem> problems;
    for (const auto& line : lines_) {
        if (line.kind == LineKind::malformed) {
            problems.push_back({line.source_line, line_problem(line)});
        }
    }
    return problems;
}

// Sorting (name hash, line index) pairs instead of filling a hash map with every name: no
// allocation per user and sequential memory, which keeps a million-user file linear in practice.
std::vector<LineProblem> PwFile::duplicate_users() const {
    std::vector<std::pair<std::size_t, std::size_t>> named;  // (hash of the name, index), then sorted
    named.reserve(lines_.size());
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        if (!lines_[i].username.empty()) {
            named.emplace_back(std::hash<std::string_view>{}(lines_[i].username), i);
        }
    }
    std::sort(named.begin(), named.end());                     // equal hashes together, each group in file order
    std::vector<std::pair<std::size_t, std::size_t>> repeats;  // (index of a repeat, index of the first)
    std::vector<std::size_t> firsts;  // in one group of equal hashes: the first line of each name
    for (std::size_t begin = 0, end = 0; begin < named.size(); begin = end) {
        end = begin + 1;
        while (end < named.size() && named[end].first == named[begin].first) {
            ++end;
        }
        firsts.clear();
        for (std::size_t j = begin; j < end; ++j) {
            const std::size_t index = named[j].second;
            const auto first = std::find_if(firsts.begin(), firsts.end(), [&](std::size_t candidate) {
                return lines_[candidate].username == lines_[index].username;
            });
            if (first == firsts.end()) {
                firsts.push_back(index);
            } else {
                repeats.emplace_back(index, *first);
            }
        }
    }
    std::sort(repeats.begin(), repeats.end());
    std::vector<LineProblem> problems;
    for (const auto& [index, first] : repeats) {
        const PwLine& line = lines_[index];
        problems.push_back({line.source_line, duplicate_message(line.username, lines_[first].source_line)});
    }
    return problems;
}

std::string duplicate_message(std::string_view username, std::size_t first_line) {
    return "duplicate user " + quoted_name(username) + " (first at line " + std::to_string(first_line) + ")";
}

std::string masked_text(const PwLine& line) {
    if (line.username.empty()) {
        return line.kind == LineKind::malformed ? "<malformed line>" : std::string(line.text);
    }
    const HashInfo info = inspect_hash(line.hash);
    std::string marker;
    if (info.kind == HashKind::sha512 || info.kind == HashKind::sha512_pbkdf2 || info.kind == HashKind::argon2id) {
        marker = line.hash.substr(0, line.hash.find('$', 1) + 1);
    }
    return std::string(line.username) + ':' + marker + "********";
}

}  // namespace mqpasswd
