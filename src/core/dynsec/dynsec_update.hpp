// One change to a dynamic-security file, start to finish, on the write path of DESIGN §6: path
// policy, the writers' lock, read, parse, edit in memory, atomic replace keeping owner and mode.
#pragma once

#include "core/dynsec/json_value.hpp"
#include "core/pwfile/update.hpp"

#include <functional>
#include <string>

namespace mqpasswd {

// Reads, parses and checks (check_dynsec_document) a dynamic-security file for reading only: never
// through a link, nothing but a regular file, and never more bytes than parse_json accepts.
[[nodiscard]] JsonValue read_dynsec_file(const std::string& path);

using DynsecEdit = std::function<EditReport(JsonValue&)>;

// Applies `edit` to the dynamic-security file at `path` (a new one from new_dynsec_document with
// `create`) and replaces it when a client changed. Refuses (Error, file untouched) a missing file
// without `create`, a file that is not JSON or not a dynamic-security file (check_dynsec_document).
// A dry run fills masked_changes: the document before and after, passwords hidden.
// The plugin of a running broker keeps its own copy in memory and saves it over the file on its
// next change: the broker must be restarted to see this one (the CLI says so).
[[nodiscard]] UpdateResult update_dynsec_file(const std::string& path, const UpdateOptions& options,
                                              const DynsecEdit& edit);

}  // namespace mqpasswd
