// The JSON reader of import: a stream of objects (--format=jsonl) or one array of them (json).
// Internal to the import parsers (import_source.cpp calls it).
#pragma once

#include "core/input/import_records.hpp"

#include <string_view>

namespace mqpasswd::import_detail {

// JSON Lines, or objects as `jq '.[]'` and `jq -c '.[]'` print them. A syntax error is one skipped
// record with --skip-invalid: reading goes on at the next object.
void parse_json_stream(std::string_view content, BatchBuilder& out);

// One array of objects, as `jq` and `jq -c` print one. Inside an array a syntax error leaves no
// place to start again, so it stops the import even with --skip-invalid.
void parse_json_array(std::string_view content, BatchBuilder& out);

}  // namespace mqpasswd::import_detail
