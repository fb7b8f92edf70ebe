// Online summary statistics: Welford mean/variance of samples (latencies, costs), and the exact
// time integral of a piecewise-constant count (concurrency, live environments) over a window.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/core/check.hpp"

namespace lsim {

/// Count, mean, sample variance, min, max and sum of a stream of doubles in O(1) memory, using
/// Welford's update (no catastrophic cancellation for data with a large offset) and Chan et al.'s
/// pairwise formula for merge. Inputs are expected to be finite. Every operation is O(1).
/// Rounding error still grows with |mean| / stddev: at 1e6 us +- 30 us it is ~1e-10 relative.
class RunningStats {
 public:
  /// Adds one sample.
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
    sum_ += x;
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }

  /// Adds every sample of `other`, as if they had been add()ed here (equal up to rounding; the
  /// order-dependent rounding differs). Self-merge is allowed.
  void merge(const RunningStats& other) {
    const RunningStats o = other;  // `other` may be *this
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    const double na = static_cast<double>(n_);
    const double nb = static_cast<double>(o.n_);
    const double n = na + nb;
    const double delta = o.mean_ - mean_;
    mean_ += delta * (nb / n);
    m2_ += o.m2_ + delta * delta * (na * nb / n);
    n_ += o.n_;
    sum_ += o.sum_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }

  /// Number of samples added.
  std::uint64_t count() const { return n_; }
  /// Arithmetic mean; 0 when empty.
  double mean() const { return mean_; }
  /// Sample variance (divides by n - 1); 0 when count() < 2.
  double variance() const {
    return n_ < 2 ? 0.0 : std::max(0.0, m2_ / static_cast<double>(n_ - 1));
  }
  /// sqrt(variance()).
  double stddev() const { return std::sqrt(variance()); }
  /// Smallest sample; 0 when empty.
  double min() const { return n_ == 0 ? 0.0 : min_; }
  /// Largest sample; 0 when empty.
  double max() const { return n_ == 0 ? 0.0 : max_; }
  /// Plain running sum of the samples; 0 when empty.
  double sum() const { return sum_; }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from the current mean
  double sum_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// Time integral, mean and maximum of a piecewise-constant integer quantity over the closed window
/// [from, to] of microsecond timestamps. The quantity is 0 until the first set(). The area is kept
/// as an exact 128-bit integer in value*microseconds, so sums of many pieces never round.
///
/// "Held at instant t" means the value given by the last set() with now <= t. A value overwritten
/// by another set() at the same timestamp is never held, so the order of same-instant updates
/// (e.g. +1 then -1) does not change max().
class TimeWeighted {
 public:
  /// Window [from, to] in microseconds. Precondition (LSIM_CHECK): from <= to; from == to is an
  /// empty window (mean 0, area 0).
  TimeWeighted(std::int64_t from, std::int64_t to) : from_(from), to_(to) {
    LSIM_CHECK(from <= to, "window [{}, {}] ends before it starts", from, to);
  }

  /// The quantity takes `value` from `now` (microseconds) on. Accumulates the previous value's
  /// piece [previous now, now) clipped to the window. Precondition (LSIM_CHECK): `now` is not
  /// earlier than the previous set()/finish(). O(1).
  void set(std::int64_t now, std::int64_t value) {
    advance(now);
    current_ = value;
  }

  /// Accumulates the current value up to `now` (clipped to the window) without changing it. May be
  /// followed by more set()/finish() calls with later timestamps. Same precondition as set().
  void finish(std::int64_t now) { advance(now); }

  /// Integral of value dt over the window up to the latest set()/finish() time, in
  /// value*seconds. Converted to double only here.
  double area_seconds() const { return static_cast<double>(area_us_) * 1e-6; }

  /// Time-weighted mean over the whole window: area / (to - from). Pieces after the latest
  /// set()/finish() are not counted, so call finish(to) (or later) first. 0 for an empty window.
  double mean() const {
    if (to_ == from_) return 0.0;
    return static_cast<double>(area_us_) / static_cast<double>(to_ - from_);
  }

  /// Largest value held at any instant of [from, to] known so far, including the value held at
  /// `from` (0 if nothing was set before it) and a value set exactly at `to`.
  std::int64_t max() const {
    // The current value is held from last_ on, hence at max(last_, from_), inside the window iff
    // last_ <= to_.
    return last_ <= to_ ? std::max(max_, current_) : max_;
  }

  /// The value held now (0 before the first set()).
  std::int64_t current() const { return current_; }

 private:
  __extension__ using Int128 = __int128;  // __extension__: keeps -Wpedantic quiet

  // The common case inline: a piece [last_, now) inside the window. Then last_ <= to_ and
  // now > from_ (so the value counts for max()), and the clipped piece is the piece itself, so
  // this does exactly what advance_general() does.
  void advance(std::int64_t now) {
    if (now > last_ && last_ >= from_ && now <= to_) [[likely]] {
      max_ = std::max(max_, current_);
      area_us_ += static_cast<Int128>(current_) * static_cast<Int128>(now - last_);
      last_ = now;
      return;
    }
    advance_general(now);
  }

  [[gnu::noinline]] void advance_general(std::int64_t now) {  // out of line: keeps advance() small
    LSIM_CHECK(now >= last_, "time went backwards: {} after {}", now, last_);
    if (now == last_) return;  // a zero-length piece: no area, and the value is never held
    // current_ was held over [last_, now); it counts for max() iff that meets [from_, to_].
    if (last_ <= to_ && now > from_) max_ = std::max(max_, current_);
    const std::int64_t lo = std::max(last_, from_);
    const std::int64_t hi = std::min(now, to_);
    if (hi > lo) area_us_ += static_cast<Int128>(current_) * static_cast<Int128>(hi - lo);
    last_ = now;
  }

  std::int64_t from_;
  std::int64_t to_;
  std::int64_t last_ = std::numeric_limits<std::int64_t>::min();  // time of the latest update
  std::int64_t current_ = 0;
  std::int64_t max_ = std::numeric_limits<std::int64_t>::min();  // over pieces already closed
  // value * microseconds, exact: 2^127 us*value is far beyond any simulation.
  Int128 area_us_ = 0;
};

}  // namespace lsim
