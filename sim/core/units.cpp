// Strict parsing of quantities with units.
#include "sim/core/units.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace lsim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "1.5ms" into the number 1.5 and the unit "ms". The number must be a plain decimal.
bool split_number(std::string_view s, double& number, std::string_view& unit) {
  s = trim(s);
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                          s[i] == '_')) {
    digits = digits || std::isdigit(static_cast<unsigned char>(s[i]));
    ++i;
  }
  // Exponent (1e6) only when followed by a digit, so "1e" is not swallowed.
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E') &&
      (std::isdigit(static_cast<unsigned char>(s[i + 1])) ||
       ((s[i + 1] == '-' || s[i + 1] == '+') && i + 2 < s.size() &&
        std::isdigit(static_cast<unsigned char>(s[i + 2]))))) {
    i += 2;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (!digits) return false;
  std::string num;
  for (char c : s.substr(0, i))
    if (c != '_') num += c;
  if (!num.empty() && num[0] == '+') num.erase(0, 1);
  const char* end = num.data() + num.size();
  auto [ptr, ec] = std::from_chars(num.data(), end, number);
  if (ec != std::errc{} || ptr != end || !std::isfinite(number)) return false;
  unit = trim(s.substr(i));
  return true;
}

}  // namespace

Parsed<double> parse_number(std::string_view text) {
  double v = 0;
  std::string_view unit;
  if (!split_number(text, v, unit) || !unit.empty())
    return {std::nullopt, fmt::format("'{}' is not a number", text)};
  return {v, {}};
}

Parsed<Duration> parse_duration(std::string_view text) {
  double v = 0;
  std::string_view unit;
  if (!split_number(text, v, unit))
    return {std::nullopt, fmt::format("'{}' is not a duration (write e.g. 120ms, 1.5s, 10m, 2h)",
                                      text)};
  if (v < 0) return {std::nullopt, fmt::format("'{}' is negative; a duration must be >= 0", text)};
  double scale = 0;  // seconds per unit
  if (unit == "us" || unit == "µs") scale = 1e-6;
  else if (unit == "ms") scale = 1e-3;
  else if (unit == "s" || unit == "sec") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = 86400;
  else if (unit.empty() && v == 0) scale = 1;
  else if (unit.empty())
    return {std::nullopt,
            fmt::format("'{}' has no unit (write e.g. {}ms or {}s)", text, trim(text), trim(text))};
  else
    return {std::nullopt,
            fmt::format("unknown duration unit '{}' in '{}' (known: us, ms, s, m, min, h, d)",
                        unit, text)};
  const double seconds = v * scale;
  if (seconds > 1e9)  // ~31 years: larger values are certainly a mistake and would overflow
    return {std::nullopt, fmt::format("'{}' is too long (at most 1e9 s)", text)};
  return {to_duration(seconds), {}};
}

Parsed<int> parse_memory_mb(std::string_view text) {
  double v = 0;
  std::string_view unit;
  if (!split_number(text, v, unit))
    return {std::nullopt, fmt::format("'{}' is not a memory size (write e.g. 512MB or 1GB)", text)};
  double mb = 0;
  if (unit == "MB" || unit.empty()) mb = v;
  else if (unit == "GB") mb = v * 1024;
  else
    return {std::nullopt,
            fmt::format("unknown memory unit '{}' in '{}' (known: MB, GB)", unit, text)};
  if (mb < 0) return {std::nullopt, fmt::format("'{}' is negative", text)};
  if (mb != std::floor(mb)) return {std::nullopt, fmt::format("'{}' is not a whole number of MB", text)};
  if (mb > 1e9) return {std::nullopt, fmt::format("'{}' is too large", text)};
  return {static_cast<int>(mb), {}};
}

Parsed<double> parse_rate_per_s(std::string_view text) {
  double v = 0;
  std::string_view unit;
  if (!split_number(text, v, unit))
    return {std::nullopt, fmt::format("'{}' is not a rate (write e.g. 20/s, 1200/m, 5/h)", text)};
  if (v < 0) return {std::nullopt, fmt::format("'{}' is negative; a rate must be >= 0", text)};
  double per = 0;  // seconds per unit
  if (unit == "/s") per = 1;
  else if (unit == "/m" || unit == "/min") per = 60;
  else if (unit == "/h") per = 3600;
  else if (unit == "/d") per = 86400;
  else if (unit.empty() && v == 0) per = 1;
  else if (unit.empty())
    return {std::nullopt, fmt::format("'{}' has no unit (write e.g. {}/s)", text, trim(text))};
  else
    return {std::nullopt,
            fmt::format("unknown rate unit '{}' in '{}' (known: /s, /m, /h, /d)", unit, text)};
  if (v / per > 1e9) return {std::nullopt, fmt::format("'{}' is too high (at most 1e9/s)", text)};
  return {v / per, {}};
}

std::string format_duration(Duration d) {
  const auto us = d.count();
  if (us < 1000) return fmt::format("{}us", us);
  if (us < 1'000'000) return fmt::format("{:g}ms", static_cast<double>(us) / 1e3);
  if (us < 60'000'000 || us % 60'000'000 != 0) return fmt::format("{:g}s", static_cast<double>(us) / 1e6);
  if (us % 3'600'000'000 == 0) return fmt::format("{}h", us / 3'600'000'000);
  return fmt::format("{}m", us / 60'000'000);
}

}  // namespace lsim
