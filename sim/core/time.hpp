// Simulated time: integer microseconds. A point in time and a span are distinct types, so they
// cannot be mixed up; models that sample doubles convert once, here, with documented rounding.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace lsim {

using Duration = std::chrono::duration<std::int64_t, std::micro>;

struct SimClock {
  using rep = Duration::rep;
  using period = Duration::period;
  using duration = Duration;
  using time_point = std::chrono::time_point<SimClock, Duration>;
  static constexpr bool is_steady = true;
};
using Time = SimClock::time_point;

inline constexpr Time kTimeZero{};
inline constexpr Time kTimeMax{Duration{std::numeric_limits<std::int64_t>::max() / 2}};

/// A time point or none, like std::optional<Time>, in one 64-bit word (none: the smallest tick
/// count, never a simulated time), so a function returns it in a register. GCC 12 returns
/// std::optional<Time> through the stack: a byte store of the flag, then a wide load of it, a
/// store-forwarding stall on every call (perf: ~4 % of a run, in ArrivalProcess::next()).
class OptionalTime {
 public:
  constexpr OptionalTime() = default;
  // Implicit conversions, as for std::optional, so models write `return std::nullopt;`.
  constexpr OptionalTime(std::nullopt_t) {}
  constexpr OptionalTime(Time t) : t_(t) {}
  constexpr OptionalTime(const std::optional<Time>& t) : t_(t ? *t : kNoTime) {}
  [[nodiscard]] constexpr bool has_value() const { return t_ != kNoTime; }
  constexpr explicit operator bool() const { return has_value(); }
  /// Precondition: has_value().
  constexpr const Time& operator*() const { return t_; }
  constexpr const Time* operator->() const { return &t_; }
  constexpr operator std::optional<Time>() const {
    return has_value() ? std::optional<Time>(t_) : std::nullopt;
  }

 private:
  static constexpr Time kNoTime{Duration{std::numeric_limits<std::int64_t>::min()}};
  Time t_ = kNoTime;
};

/// Seconds (a model's double) to simulated time, rounded to the nearest microsecond (halves
/// round up). Negative and NaN inputs become 0; values beyond ~126,000 years saturate.
inline Duration to_duration(double seconds) {
  if (!(seconds > 0.0)) return Duration{0};
  const double us = seconds * 1e6 + 0.5;  // truncation of a positive value = floor
  if (us >= 4.0e18) return Duration{std::int64_t{4'000'000'000'000'000'000}};
  return Duration{static_cast<std::int64_t>(us)};
}

inline constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) * 1e-6; }
inline constexpr double to_seconds(Time t) { return to_seconds(t.time_since_epoch()); }
inline constexpr double to_ms(Duration d) { return static_cast<double>(d.count()) * 1e-3; }

/// Milliseconds rounded up, the unit AWS bills in since December 2020.
inline constexpr std::int64_t ceil_ms(Duration d) { return (d.count() + 999) / 1000; }

}  // namespace lsim
