// The dynamic-security file's write path. Everything is checked before the first byte is written,
// so a refusal always leaves the file exactly as it was.
#include "core/dynsec/dynsec_update.hpp"

#include "core/dynsec/dynsec_file.hpp"
#include "core/error.hpp"
#include "core/fs/atomic_write.hpp"
#include "core/fs/file_size.hpp"
#include "core/pwfile/diff.hpp"

#include <cerrno>
#include <sys/stat.h>

namespace mqpasswd {
namespace {

// Runs `edit`; its errors then name the file.
EditReport run_edit(const DynsecEdit& edit, JsonValue& document, const std::string& path) {
    try {
        return edit(document);
    } catch (Error& error) {
        throw Error(error.code(), error.message(), path, error.line());
    }
}

// The diff's lines: the file as written, passwords hidden, its tab indentation shown as four
// spaces (a tab is a control character, which the diff would print escaped).
std::vector<std::string> masked_lines(const JsonValue* document) {
    std::vector<std::string> lines;
    if (document != nullptr) {
        lines = split_text_lines(serialise_json(masked_dynsec(*document)));
    }
    for (auto& line : lines) {
        const std::size_t tabs = line.find_first_not_of('\t');
        const std::size_t depth = tabs == std::string::npos ? line.size() : tabs;
        line.replace(0, depth, std::string(depth * 4, ' '));
    }
    return lines;
}

}  // namespace

JsonValue read_dynsec_file(const std::string& path) {
    const UniqueFd fd = open_for_reading(path);
    if (!fd.valid()) {
        throw Error(ExitCode::failure, "no such file", path);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        throw system_error(path, "cannot read", errno);
    }
    const std::size_t limit = JsonLimits{}.max_bytes;
    const std::size_t expected = larger_than(info, limit) ? limit : static_cast<std::size_t>(info.st_size);
    const std::optional<std::string> content = read_at_most(fd.get(), expected, limit, path);
    if (!content) {
        throw Error(ExitCode::failure, "larger than " + std::to_string(limit >> 20) + " MiB: not a file mqpasswd reads",
                    path);
    }
    JsonValue document = parse_json(*content, path);
    check_dynsec_document(document, path);
    return document;
}

UpdateResult update_dynsec_file(const std::string& path, const UpdateOptions& options, const DynsecEdit& edit) {
    LockedFile locked = lock_for_update(path, options);
    const bool exists = locked.snapshot.exists;
    JsonValue document = exists ? parse_json(locked.snapshot.content, path) : new_dynsec_document();
    check_dynsec_document(document, path);
    const JsonValue original = options.dry_run && exists ? document : JsonValue();  // copied for the diff only
    UpdateResult result;
    result.report = run_edit(edit, document, path);
    if (options.dry_run) {
        result.masked_changes = line_diff(masked_lines(exists ? &original : nullptr), masked_lines(&document));
        result.created = !exists && result.report.changed();  // would be
        return result;
    }
    if (!result.report.changed()) {  // an existing file stays byte for byte; a new one without clients is not made
        return result;
    }
    atomic_replace(locked.lock.dir(), locked.name, serialise_json(document), locked.ownership(), path);
    result.written = true;
    result.created = !exists;
    return result;
}

}  // namespace mqpasswd
