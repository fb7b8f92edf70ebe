// Reading the trace files that `arrivals: {type: trace}` replays and `lambdasim import` summarises:
// field splitting, numbers, located errors, the Azure 2019 file set, and Lambda names from hashes.
// The layouts, with their sources, are documented in models/arrivals/trace.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/diagnostics.hpp"

namespace lsim::trace {

/// Splits one CSV line at commas into `out` (views into `line`). A trailing '\r' is dropped and
/// spaces around fields are trimmed. The trace formats have no quoted fields; a '"' is kept as is.
void split_fields(std::string_view line, std::vector<std::string_view>& out);

/// A finite decimal number (`12`, `-0.5`, `1e3`), the whole field; nullopt otherwise.
std::optional<double> parse_number(std::string_view field);

/// Whether a line carries no data: empty, blank, or a comment starting with '#'.
bool is_blank_or_comment(std::string_view line);

/// Throws ScenarioError `file:line:1: error: message` (line 0: `file: error: message`).
[[noreturn]] void fail_at(const std::string& file, std::size_t line, const std::string& message);

/// The position of `name` among `header` fields, or nullopt.
std::optional<std::size_t> column(const std::vector<std::string_view>& header,
                                  std::string_view name);

/// The three files of one day of the Azure Functions 2019 trace in `folder`.
struct Azure2019Files {
  std::string invocations;  ///< invocations_per_function_md.anon.dNN.csv (required)
  std::string durations;    ///< function_durations_percentiles.anon.dNN.csv ("" when absent)
  std::string memory;       ///< app_memory_percentiles.anon.dNN.csv ("" when absent: d13, d14)
  std::string day;          ///< "d01" ...
};

/// Finds the earliest day (dNN, in name order) whose invocation file is in `folder`, and that
/// day's duration and memory files. Throws ScenarioError naming the folder when there is none.
Azure2019Files find_azure2019_files(const std::string& folder);

/// A valid Lambda function name (1–64 of [A-Za-z0-9_-]) for `text`: other characters become
/// '_', and the result is cut to 64 characters ("fn" for an empty text).
std::string lambda_name(std::string_view text);

}  // namespace lsim::trace
