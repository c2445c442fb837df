// Parsing follows the broker's tokenizer (shared/facts/pwfile-format.md §2.1) so that what we
// call an entry is exactly what the broker reads; anything it would reject or misread is malformed.
#include "core/pwfile.hpp"

#include "core/hash.hpp"
#include "core/text.hpp"
#include "core/username.hpp"

#include <openssl/crypto.h>

#include <unordered_map>

namespace mqpasswd {
namespace {

PwLine malformed(PwLine line, std::string problem) {
    line.kind = LineKind::malformed;
    line.problem = std::move(problem);
    return line;
}

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

}  // namespace

// An entry line for a username and hash mqpasswd has just validated and generated: classifying
// it again (base64-decoding the hash) would double the single-threaded part of a bulk import.
PwLine generated_entry(std::string username, std::string hash, std::string eol, std::size_t source_line) {
    PwLine line;
    line.text.reserve(username.size() + 1 + hash.size());
    line.text.append(username).append(1, ':').append(hash);
    line.eol = std::move(eol);
    line.kind = LineKind::entry;
    line.username = std::move(username);
    line.hash = std::move(hash);
    line.source_line = source_line;
    return line;
}

PwLine classify_line(std::string text, std::string eol, std::size_t source_line) {
    PwLine line;
    line.text = std::move(text);
    line.eol = std::move(eol);
    line.source_line = source_line;
    const std::string_view view = line.text;
    if (view.find('\0') != std::string_view::npos) {
        return malformed(std::move(line), "NUL byte in line");
    }
    if (trim(view).empty()) {
        return line;  // blank
    }
    if (view.front() == '#') {
        line.kind = LineKind::comment;
        return line;
    }
    const std::size_t colon = view.find(':');
    if (colon == std::string_view::npos) {
        return malformed(std::move(line), "no ':' between username and password hash");
    }
    const std::string_view username = trim(view.substr(0, colon));
    if (username.empty()) {
        return malformed(std::move(line), "missing username before ':'");
    }
    line.username = username;
    const std::string_view hash = trim(view.substr(colon + 1));
    std::string problem = entry_problem(username, hash);
    if (!problem.empty()) {
        return malformed(std::move(line), std::move(problem));
    }
    line.hash = hash;
    line.kind = LineKind::entry;
    return line;
}

PwFile::~PwFile() {
    clear();
}

void PwFile::clear() noexcept {
    for (auto& line : lines_) {
        // Only plain-text entries and lines we could not read may hold a password; a hash is
        // what the file shows anyway, and wiping a million of them is the slow part of exit.
        if (line.kind != LineKind::entry || !line.hash.starts_with('$')) {
            OPENSSL_cleanse(line.text.data(), line.text.size());
            OPENSSL_cleanse(line.hash.data(), line.hash.size());
        }
    }
    lines_.clear();
}

PwFile PwFile::parse(std::string_view content) {
    PwFile file;
    std::size_t number = 0;
    while (!content.empty()) {
        const std::size_t newline = content.find('\n');
        std::string_view text = content.substr(0, newline);
        const bool crlf = newline != std::string_view::npos && text.ends_with('\r');
        if (crlf) {
            text.remove_suffix(1);
        }
        const char* eol = newline == std::string_view::npos ? "" : crlf ? "\r\n" : "\n";
        file.lines_.push_back(classify_line(std::string(text), eol, ++number));
        content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    }
    return file;
}

std::string PwFile::serialise() const {
    std::size_t size = 0;
    for (const auto& line : lines_) {
        size += line.text.size() + line.eol.size();
    }
    std::string content;
    content.reserve(size);
    for (const auto& line : lines_) {
        content += line.text;
        content += line.eol;
    }
    return content;
}

std::size_t PwFile::find(std::string_view username) const noexcept {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        if (!lines_[i].username.empty() && lines_[i].username == username) {
            return i;
        }
    }
    return npos;
}

std::string PwFile::new_line_ending() const {
    // Follow the file's own convention (its last terminated line); LF otherwise, as
    // mosquitto_passwd writes.
    if (lf_only_) {
        return "\n";
    }
    for (auto line = lines_.rbegin(); line != lines_.rend(); ++line) {
        if (!line->eol.empty()) {
            return line->eol;
        }
    }
    return "\n";
}

void PwFile::set(std::string_view username, const std::string& hash) {
    std::string text = std::string(username) + ':' + hash;
    const std::size_t first = find(username);
    if (first == npos) {
        const std::string eol = new_line_ending();
        if (!lines_.empty() && lines_.back().eol.empty()) {
            lines_.back().eol = eol;  // never merge the new entry into an unterminated last line
        }
        lines_.push_back(classify_line(std::move(text), eol, 0));
        return;
    }
    PwLine& line = lines_[first];
    std::string eol = line.eol.empty() || lf_only_ ? new_line_ending() : line.eol;
    OPENSSL_cleanse(line.text.data(), line.text.size());  // the old line may hold a plain-text password
    line = classify_line(std::move(text), std::move(eol), line.source_line);
    for (std::size_t i = lines_.size(); i-- > first + 1;) {
        if (lines_[i].username == username) {
            lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
}

void PwFile::set_all(std::vector<PwLine> entries) {
    // user -> index of the first line naming it. Owned keys: replacing a line frees its old name.
    std::unordered_map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
        if (!lines_[i].username.empty()) {
            first.emplace(lines_[i].username, i);
        }
    }
    std::vector<bool> replaced(lines_.size(), false);
    std::vector<std::size_t> appended;  // indices into entries, in order
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto found = first.find(entries[i].username);
        if (found == first.end()) {
            appended.push_back(i);
            continue;
        }
        PwLine& line = lines_[found->second];
        std::string eol = line.eol.empty() || lf_only_ ? new_line_ending() : line.eol;
        OPENSSL_cleanse(line.text.data(), line.text.size());
        const std::size_t source_line = line.source_line;
        line = std::move(entries[i]);
        line.eol = std::move(eol);
        line.source_line = source_line;
        replaced[found->second] = true;
    }
    // Later lines of a replaced user go, as in set(); one pass keeps this linear.
    std::size_t index = 0;
    std::erase_if(lines_, [&](const PwLine& line) {
        const std::size_t at = index++;
        if (line.username.empty() || replaced[at]) {
            return false;
        }
        const auto found = first.find(line.username);
        return found != first.end() && found->second != at && replaced[found->second];
    });
    if (!appended.empty()) {
        const std::string eol = new_line_ending();
        if (!lines_.empty() && lines_.back().eol.empty()) {
            lines_.back().eol = eol;
        }
        lines_.reserve(lines_.size() + appended.size());
        for (const std::size_t i : appended) {
            lines_.push_back(std::move(entries[i]));
            lines_.back().eol = eol;
            lines_.back().source_line = 0;
        }
    }
}

std::vector<std::string> PwFile::remove_unless(const std::function<bool(const std::string&)>& keep) {
    std::vector<std::string> removed;
    std::unordered_map<std::string, bool> seen;
    std::erase_if(lines_, [&](const PwLine& line) {
        if (line.username.empty() || keep(line.username)) {
            return false;
        }
        if (seen.emplace(line.username, true).second) {
            removed.push_back(line.username);
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
            problems.push_back({line.source_line, line.problem, line.username});
        }
    }
    return problems;
}

std::vector<LineProblem> PwFile::duplicate_users() const {
    std::vector<LineProblem> problems;
    std::unordered_map<std::string_view, std::size_t> first_line;
    first_line.reserve(lines_.size());
    for (const auto& line : lines_) {
        if (line.username.empty()) {
            continue;
        }
        const auto [it, inserted] = first_line.emplace(line.username, line.source_line);
        if (!inserted) {
            problems.push_back(
                {line.source_line,
                 "duplicate user '" + line.username + "' (first at line " + std::to_string(it->second) + ")",
                 line.username});
        }
    }
    return problems;
}

std::string masked_text(const PwLine& line) {
    if (line.username.empty()) {
        return line.kind == LineKind::malformed ? "<malformed line>" : line.text;
    }
    const HashInfo info = inspect_hash(line.hash);
    std::string marker;
    if (info.kind == HashKind::sha512 || info.kind == HashKind::sha512_pbkdf2 || info.kind == HashKind::argon2id) {
        marker = line.hash.substr(0, line.hash.find('$', 1) + 1);
    }
    return line.username + ':' + marker + "********";
}

}  // namespace mqpasswd
