// Streaming latency histogram for percentiles (p50 ... p99.9, max) of integer microseconds: exact
// for small runs, HDR-style log/linear buckets with a documented <= 0.1 % relative error after.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace lsim {

/// Streaming histogram of non-negative std::int64_t values (microseconds by convention).
///
/// **Quantile definition (nearest rank).** For q in (0, 1], quantile(q) is the smallest recorded
/// value v such that at least r = ceil(q * n) recorded values are <= v, i.e. the r-th smallest
/// value (1-based), where q * n is computed in double. q > 1 is treated as 1; q <= 0 (and NaN)
/// gives min(). An empty histogram reports 0 for count, min, max and every quantile.
///
/// **Bucketing (HDR histogram style, no log()).** Values below kExactBelow = 1024 get one bucket
/// each, so they are exact. A value v >= 1024 lies in the octave [2^e, 2^(e+1)) with e =
/// bit_width(v) - 1 >= 10, found with one bit scan; that octave is split into kSubBuckets = 512
/// linear sub-buckets of width W = 2^(e-9). The bucket index is (e-9)*512 + (v >> (e-9)), so
/// 2^(e+1) lands at the start of the next octave and indices are dense in [0, kBucketCount).
///
/// **Error bound.** In approximate mode a quantile reports the midpoint L + W/2 of the bucket
/// [L, L+W-1] that holds the true r-th smallest value t (that bucket is exactly the one where the
/// cumulative count first reaches r). Then |reported - t| <= W/2, and t >= L >= 512*W because the
/// sub-bucket mantissa L/W is in [512, 1024). Hence |reported - t| <= t/1024 < 0.001 * t
/// (0.0977 %). For W = 1 (v < 1024) the midpoint is L itself, so the error is 0. The result is
/// then clamped to [min(), max()]; t lies in that interval, so clamping never moves the estimate
/// further from t. Ranks 1 and n return min() and max(), which are tracked exactly.
///
/// **Exact mode.** The first exact_limit values are also kept verbatim; while count() <=
/// exact_limit, exact() is true and quantiles are exact. The record that makes count() exceed the
/// limit releases that vector (clear + shrink_to_fit) for good; exact_limit 0 disables the mode.
///
/// **Memory.** Counts (8 bytes each) are stored only for the octaves between the lowest and the
/// highest value seen: whole octave blocks of 512 counters (4 KiB) are added when a value falls
/// outside the covered range, so memory is O(octaves spanned) (at most 55 blocks, 220 KiB, for the
/// full int64 range; 1 us .. 1e9 us spans 22 blocks, 88 KiB) and independent of count(). The
/// range grows at most 55 times over an object's life, so record() never allocates once the range
/// of values has been seen (exact mode aside, whose vector grows by amortised push_back).
class LatencyHistogram {
 public:
  static constexpr std::size_t kDefaultExactLimit = 65536;
  /// log2 of kSubBuckets.
  static constexpr int kSubBucketBits = 9;
  /// Linear sub-buckets per octave; also the size of one storage block.
  static constexpr std::size_t kSubBuckets = std::size_t{1} << kSubBucketBits;
  /// Values below this have a bucket of width 1 and are always reported exactly.
  static constexpr std::int64_t kExactBelow = std::int64_t{2} << kSubBucketBits;

  /// Bucket of v (v < 0 counts as 0). O(1): one bit scan, one shift, no floating point.
  static constexpr std::size_t bucket_index(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v < 0 ? 0 : v);
    // OR-ing in kSubBuckets makes every v < 1024 use shift 0, i.e. index == v.
    const int shift = static_cast<int>(std::bit_width(u | kSubBuckets)) - 1 - kSubBucketBits;
    return (static_cast<std::size_t>(shift) << kSubBucketBits) +
           static_cast<std::size_t>(u >> shift);
  }
  /// Smallest value in bucket `index`. Precondition: index < kBucketCount.
  static constexpr std::int64_t bucket_lower(std::size_t index) {
    const int shift = bucket_shift(index);
    const std::size_t mantissa = index - (static_cast<std::size_t>(shift) << kSubBucketBits);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(mantissa) << shift);
  }
  /// Number of distinct values in bucket `index`, a power of two. Precondition as bucket_lower.
  static constexpr std::int64_t bucket_width(std::size_t index) {
    return std::int64_t{1} << bucket_shift(index);
  }
  /// Value reported for bucket `index` in approximate mode: lower + width/2.
  static constexpr std::int64_t bucket_midpoint(std::size_t index) {
    return bucket_lower(index) + bucket_width(index) / 2;
  }
  /// Number of buckets needed for the whole non-negative int64 range: 55 blocks of kSubBuckets
  /// (two unit-width blocks below 1024, then one per octave 2^10 .. 2^62), 28,160 in all.
  static constexpr std::size_t kBucketCount = (64 - kSubBucketBits) * kSubBuckets;

  /// exact_limit: how many values are kept verbatim for exact quantiles (0 disables exact mode).
  explicit LatencyHistogram(std::size_t exact_limit = kDefaultExactLimit)
      : exact_limit_(exact_limit), exact_(true) {}

  /// Adds one value; v < 0 is recorded as 0. O(1), no allocation once v's octave is covered
  /// (see class comment); in exact mode the value is also appended to the exact vector.
  void record(std::int64_t v) {
    if (v < 0) v = 0;
    const std::size_t index = bucket_index(v);
    // Unsigned wrap-around makes index < base_ fail the same test as index past the end.
    if (index - base_ >= counts_.size()) [[unlikely]]
      cover(index, index);
    ++counts_[index - base_];
    ++count_;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
    if (exact_) record_exact(v);
  }

  /// Adds every value of `other`, with the same result as recording both streams into this
  /// histogram: the merge is exact only if both were exact and the merged count() <= this
  /// histogram's exact_limit. O(buckets of other + exact values of other). Self-merge is allowed.
  void merge(const LatencyHistogram& other) {
    if (&other == this) {
      const LatencyHistogram copy(other);
      merge(copy);
      return;
    }
    if (other.count_ == 0) return;
    cover(other.base_, other.base_ + other.counts_.size() - 1);
    const std::size_t offset = other.base_ - base_;
    for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[offset + i] += other.counts_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    if (exact_ && other.exact_ && count_ <= exact_limit_) {
      exact_values_.insert(exact_values_.end(), other.exact_values_.begin(),
                           other.exact_values_.end());
      sorted_ = false;
    } else if (exact_) {
      release_exact();
    }
  }

  /// Back to the empty state (exact mode on again, same exact_limit); all storage is released.
  void clear() { *this = LatencyHistogram(exact_limit_); }

  /// Number of values recorded.
  std::uint64_t count() const { return count_; }
  /// Smallest value recorded (after clamping negatives to 0); 0 when empty. Always exact.
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  /// Largest value recorded; 0 when empty. Always exact.
  std::int64_t max() const { return count_ == 0 ? 0 : max_; }
  /// True while count() <= exact_limit(), i.e. quantile() is exact.
  bool exact() const { return exact_; }
  std::size_t exact_limit() const { return exact_limit_; }

  /// Nearest-rank quantile (definition and error bound in the class comment). Exact mode: the first
  /// call after new records sorts the kept values in place, O(n log n); later calls are O(1).
  /// Approximate mode: O(bucket_capacity()) scan, no allocation.
  std::int64_t quantile(double q) {
    if (count_ == 0) return 0;
    if (!(q > 0.0)) return min_;
    const std::uint64_t rank = nearest_rank(q, count_);
    // The extreme ranks are min and max themselves, which are tracked exactly.
    if (rank == 1) return min_;
    if (rank == count_) return max_;
    if (exact_) {
      if (!sorted_) {
        std::sort(exact_values_.begin(), exact_values_.end());
        sorted_ = true;
      }
      return exact_values_[static_cast<std::size_t>(rank - 1)];
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::clamp(bucket_midpoint(base_ + i), min_, max_);
    }
    return max_;  // not reached: the counts sum to count_
  }

  /// Number of bucket counters currently allocated (a multiple of kSubBuckets); grows only when a
  /// value falls outside the octaves covered so far. For tests and memory accounting.
  std::size_t bucket_capacity() const { return counts_.capacity(); }

 private:
  static constexpr int bucket_shift(std::size_t index) {
    const std::size_t block = index >> kSubBucketBits;
    return block == 0 ? 0 : static_cast<int>(block) - 1;
  }

  /// r = ceil(q * n) clamped to [1, n]; q > 0.
  static std::uint64_t nearest_rank(double q, std::uint64_t n) {
    if (q >= 1.0) return n;
    const double r = std::ceil(q * static_cast<double>(n));
    if (!(r >= 1.0)) return 1;
    if (r >= static_cast<double>(n)) return n;
    return static_cast<std::uint64_t>(r);
  }

  // Widens counts_ to whole octave blocks covering [lo, hi] and everything covered before. Cold:
  // each call adds at least one block, so it runs at most kBucketCount / kSubBuckets times.
  [[gnu::noinline]] void cover(std::size_t lo, std::size_t hi) {
    std::size_t new_base = (lo >> kSubBucketBits) << kSubBucketBits;
    std::size_t new_end = ((hi >> kSubBucketBits) + 1) << kSubBucketBits;
    if (!counts_.empty()) {
      new_base = std::min(new_base, base_);
      new_end = std::max(new_end, base_ + counts_.size());
      if (new_base == base_ && new_end == base_ + counts_.size()) return;
    }
    std::vector<std::uint64_t> grown(new_end - new_base, 0);
    std::copy(counts_.begin(), counts_.end(),
              grown.begin() + static_cast<std::ptrdiff_t>(base_ - new_base));
    counts_ = std::move(grown);
    base_ = new_base;
  }

  void record_exact(std::int64_t v) {
    if (count_ > exact_limit_) {
      release_exact();
      return;
    }
    if (!exact_values_.empty() && v < exact_values_.back()) sorted_ = false;
    exact_values_.push_back(v);
  }

  [[gnu::noinline]] void release_exact() {
    exact_values_.clear();
    exact_values_.shrink_to_fit();
    exact_ = false;
    sorted_ = true;
  }

  std::vector<std::uint64_t> counts_;  // counts_[i] is bucket base_ + i
  std::size_t base_ = 0;               // a multiple of kSubBuckets
  std::uint64_t count_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
  std::vector<std::int64_t> exact_values_;  // all values while exact_, else empty
  std::size_t exact_limit_;
  bool exact_;
  bool sorted_ = true;  // exact_values_ is in ascending order
};

static_assert(LatencyHistogram::bucket_index(std::numeric_limits<std::int64_t>::max()) + 1 ==
              LatencyHistogram::kBucketCount);

}  // namespace lsim
