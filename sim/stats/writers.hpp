// Output formats of a run: a table for people, JSON for tools (stable key names), CSV with one
// row per function. All are pure functions of a Summary: same Summary, same bytes.
#pragma once

#include <string>
#include <string_view>

#include "sim/stats/summary.hpp"

namespace lsim {

/// `s` escaped for the inside of a JSON string (quotes, backslashes, control characters); bytes
/// from 0x80 up are kept as they are.
std::string json_escape(std::string_view s);
/// `s` as a JSON string: json_escape(s) between double quotes.
std::string json_quote(std::string_view s);

std::string to_table(const Summary& s);
std::string to_json(const Summary& s);
/// Header line, then one row per function.
std::string to_csv(const Summary& s);

/// Writes `content` to `path` atomically: a temporary file in the same folder, then rename, so a
/// reader never sees half a file. Throws std::runtime_error with the reason on failure.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace lsim
