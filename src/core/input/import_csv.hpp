// The CSV reader of import: RFC 4180 records under a header that names the username and password
// columns. Internal to the import parsers (import_source.cpp calls it).
#pragma once

#include "core/input/import_records.hpp"

#include <string_view>

namespace mqpasswd::import_detail {

// Reads the header and every record after it into `out`. A header that does not name username and
// password, or names a known column twice, throws Error at the header's line.
void parse_csv(std::string_view content, BatchBuilder& out);

// Whether `line` is a header parse_csv() accepts (split by ',', ';' or a tab): what guessing asks.
[[nodiscard]] bool is_csv_header(std::string_view line);

}  // namespace mqpasswd::import_detail
