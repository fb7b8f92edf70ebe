// Quantities written with their units in scenarios: `120ms`, `1.5s`, `10m`, `2h`, `512MB`, `20/s`.
// Parsing is strict: a missing or unknown unit is an error, never a guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"

namespace lsim {

/// Result of parsing a quantity: a value, or a message saying what was wrong.
template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;
};

/// A duration such as `250us`, `120ms`, `1.5s`, `10m`, `10min`, `2h`, `1d`; a bare `0` is allowed.
/// Negative values are errors. Rounded to the nearest microsecond.
Parsed<Duration> parse_duration(std::string_view text);

/// Memory in MB: `512MB`, `1.5GB` (1 GB = 1024 MB, as AWS's memory settings), or a bare integer,
/// which is MB as in AWS's MemorySize. Must be a whole number of MB.
Parsed<int> parse_memory_mb(std::string_view text);

/// A rate in events per second: `20/s`, `1200/m`, `5/h`, `100/d`; a bare `0` is allowed.
Parsed<double> parse_rate_per_s(std::string_view text);

/// A plain finite number (no unit).
Parsed<double> parse_number(std::string_view text);

/// Formats a duration for people: `850us`, `120ms`, `1.5s`, `10m`, `2h`.
std::string format_duration(Duration d);

}  // namespace lsim
