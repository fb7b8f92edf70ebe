// Tests for LatencyHistogram: exact mode and the 0.1 % bound against a sorted-vector nearest-rank
// reference, merge, the exact-to-approximate transition, edge values and bounded storage growth.
#include "sim/stats/histogram.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace {

using lsim::LatencyHistogram;

// The definition, literally: the smallest recorded v with at least q*n values <= v (q <= 0: min).
std::int64_t reference_quantile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  if (!(q > 0.0)) return sorted.front();
  const double need = std::min(q, 1.0) * static_cast<double>(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    // sorted[i] is a candidate only at the last copy of its value: i + 1 values are <= it.
    if (i + 1 < sorted.size() && sorted[i + 1] == sorted[i]) continue;
    if (static_cast<double>(i + 1) >= need) return sorted[i];
  }
  return sorted.back();
}

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Box-Muller on our own uniforms (std:: distributions are not portable across libraries).
double standard_normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]: log() stays finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// Lognormal-ish latencies spanning 1 us .. 1e9 us (median ~31.6 ms, sigma 3 in log space).
std::vector<std::int64_t> lognormal_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = std::exp(std::log(31'622.8) + 3.0 * standard_normal(rng));
    out.push_back(std::llround(std::clamp(x, 1.0, 1e9)));
  }
  return out;
}

bool within_bound(std::int64_t reported, std::int64_t truth) {
  const double err = std::abs(static_cast<double>(reported) - static_cast<double>(truth));
  return err <= 0.001 * static_cast<double>(truth);
}

const std::vector<double> kFixedQs = {0.5, 0.9, 0.95, 0.99, 0.999, 1.0};

}  // namespace

TEST_CASE("bucket boundaries hold their values and midpoints are within 0.1 percent", "[stats]") {
  STATIC_REQUIRE(LatencyHistogram::kBucketCount == 28160);
  STATIC_REQUIRE(LatencyHistogram::bucket_index(1023) == 1023);
  STATIC_REQUIRE(LatencyHistogram::bucket_index(1024) == 1024);
  std::vector<std::int64_t> probes = {0, 1, 511, 512, 1023, 1024, 1025, 2047, 2048, 2049};
  for (int e = 11; e <= 62; ++e) {
    const std::int64_t p = std::int64_t{1} << e;
    for (const std::int64_t v : {p - 1, p, p + 1, p + p / 3, p + p / 2 + 7}) probes.push_back(v);
  }
  probes.push_back(std::numeric_limits<std::int64_t>::max());
  std::size_t previous = 0;
  std::sort(probes.begin(), probes.end());
  for (const std::int64_t v : probes) {
    const std::size_t i = LatencyHistogram::bucket_index(v);
    INFO("v = " << v << ", bucket " << i);
    REQUIRE(i < LatencyHistogram::kBucketCount);
    REQUIRE(i >= previous);  // monotone
    previous = i;
    const std::int64_t lower = LatencyHistogram::bucket_lower(i);
    REQUIRE(lower <= v);
    REQUIRE(v - lower < LatencyHistogram::bucket_width(i));
    REQUIRE(within_bound(LatencyHistogram::bucket_midpoint(i), v));
    if (v < LatencyHistogram::kExactBelow) REQUIRE(LatencyHistogram::bucket_midpoint(i) == v);
  }
  // Consecutive buckets tile the value range without gaps.
  for (std::size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
    REQUIRE(LatencyHistogram::bucket_lower(i) + LatencyHistogram::bucket_width(i) ==
            LatencyHistogram::bucket_lower(i + 1));
  }
}

TEST_CASE("exact mode equals the nearest-rank reference for many quantiles", "[stats]") {
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 5'000; ++i) {
    // Mostly distinct large values that share buckets, plus repeats of a few small ones.
    const std::int64_t v = (i % 5 == 0) ? static_cast<std::int64_t>(rng() % 10)
                                        : 1'000'000 + static_cast<std::int64_t>(rng() % 5'000);
    values.push_back(v);
    h.record(v);
  }
  REQUIRE(h.exact());
  std::vector<std::int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(values.size());
  std::vector<double> qs = {-1.0, 0.0, 1e-12, 0.0001, 0.2, 0.2 + 1e-9, 0.25,
                            0.5,  0.9, 0.99,  0.999,  1.0, 1.5,        std::nan("")};
  for (int k = 1; k <= 5'000; k += 37) {
    qs.push_back(k / n);
    qs.push_back(std::nextafter(k / n, 0.0));
    qs.push_back(std::nextafter(k / n, 1.0));
  }
  for (int k = 0; k < 500; ++k) qs.push_back(uniform01(rng));
  for (const double q : qs) {
    INFO("q = " << q);
    REQUIRE(h.quantile(q) == reference_quantile(sorted, q));
  }
  REQUIRE(h.min() == sorted.front());
  REQUIRE(h.max() == sorted.back());
  REQUIRE(h.count() == values.size());

  // Recording after a query (the kept values are sorted in place) stays exact.
  h.record(3);
  sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), 3), 3);
  for (const double q : kFixedQs) REQUIRE(h.quantile(q) == reference_quantile(sorted, q));
}

TEST_CASE("approximate mode stays within 0.1 percent of the reference on lognormal data",
          "[stats]") {
  const std::vector<std::int64_t> values = lognormal_values(200'000, 42);
  LatencyHistogram h(0);
  for (const std::int64_t v : values) h.record(v);
  REQUIRE_FALSE(h.exact());
  std::vector<std::int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  REQUIRE(sorted.front() == 1);
  REQUIRE(sorted.back() == 1'000'000'000);
  REQUIRE(h.count() == sorted.size());
  REQUIRE(h.min() == 1);
  REQUIRE(h.max() == 1'000'000'000);

  for (const double q : kFixedQs) {
    const std::int64_t truth = reference_quantile(sorted, q);
    INFO("q = " << q << ", true " << truth << ", reported " << h.quantile(q));
    REQUIRE(within_bound(h.quantile(q), truth));
  }
  REQUIRE(h.quantile(1.0) == sorted.back());
  REQUIRE(h.quantile(0.0) == sorted.front());

  std::mt19937_64 rng(99);
  std::size_t inexact = 0;
  for (int k = 0; k < 2'000; ++k) {
    const double q = uniform01(rng);
    const std::int64_t truth = reference_quantile(sorted, q);
    const std::int64_t reported = h.quantile(q);
    INFO("q = " << q << ", true " << truth << ", reported " << reported);
    REQUIRE(within_bound(reported, truth));
    if (truth < LatencyHistogram::kExactBelow) REQUIRE(reported == truth);
    inexact += reported != truth ? 1 : 0;
  }
  REQUIRE(inexact > 0);  // the test really exercised the approximate path
}

TEST_CASE("merge gives the same result as recording both streams", "[stats]") {
  const std::vector<std::int64_t> a = lognormal_values(3'000, 1);
  const std::vector<std::int64_t> b = lognormal_values(2'000, 2);
  const auto check = [&](std::size_t limit, bool expect_exact) {
    LatencyHistogram ha(limit), hb(limit), both(limit);
    for (const std::int64_t v : a) ha.record(v), both.record(v);
    for (const std::int64_t v : b) hb.record(v), both.record(v);
    ha.merge(hb);
    REQUIRE(ha.exact() == expect_exact);
    REQUIRE(both.exact() == expect_exact);
    REQUIRE(ha.count() == both.count());
    REQUIRE(ha.min() == both.min());
    REQUIRE(ha.max() == both.max());
    for (int k = 0; k <= 1'000; ++k) {
      const double q = k / 1'000.0;
      INFO("q = " << q);
      REQUIRE(ha.quantile(q) == both.quantile(q));
    }
  };
  SECTION("approximate") { check(0, false); }
  SECTION("both exact and the sum within the limit") { check(5'000, true); }
  SECTION("both exact but the sum over the limit") { check(4'999, false); }
  SECTION("one side already approximate") { check(2'500, false); }

  SECTION("merging into and from an empty histogram, and into itself") {
    LatencyHistogram h(10), empty(10), twice(10);
    for (std::int64_t v : {5, 1, 9}) h.record(v), twice.record(v), twice.record(v);
    h.merge(empty);
    REQUIRE(h.count() == 3);
    empty.merge(h);
    REQUIRE(empty.count() == 3);
    REQUIRE(empty.exact());
    REQUIRE(empty.quantile(0.5) == 5);
    h.merge(h);
    REQUIRE(h.count() == 6);
    REQUIRE(h.exact());
    for (const double q : {0.1, 0.34, 0.5, 0.51, 0.84, 1.0})
      REQUIRE(h.quantile(q) == twice.quantile(q));
  }
}

TEST_CASE("exact mode switches to buckets once the count exceeds the limit", "[stats]") {
  LatencyHistogram h(100);
  std::vector<std::int64_t> sorted;
  for (std::int64_t i = 0; i < 100; ++i) {
    const std::int64_t v = 1'000'000 + 3 * i;  // all in one 1024-wide bucket
    h.record(v);
    sorted.push_back(v);
  }
  REQUIRE(h.exact());
  REQUIRE(h.exact_limit() == 100);
  REQUIRE(h.quantile(0.5) == reference_quantile(sorted, 0.5));
  REQUIRE(h.quantile(0.37) == 1'000'000 + 3 * 36);

  h.record(1'000'000);
  sorted.insert(sorted.begin(), 1'000'000);
  REQUIRE_FALSE(h.exact());
  REQUIRE(h.count() == 101);
  const std::int64_t median = reference_quantile(sorted, 0.5);
  REQUIRE(within_bound(h.quantile(0.5), median));
  REQUIRE(h.quantile(0.5) != median);  // now the bucket midpoint, not the value
  h.record(5);
  REQUIRE_FALSE(h.exact());  // never returns to exact mode

  LatencyHistogram off(0);
  REQUIRE(off.exact());  // empty: count 0 <= limit 0
  off.record(7);
  REQUIRE_FALSE(off.exact());
  REQUIRE(off.quantile(0.5) == 7);

  h.clear();
  REQUIRE(h.exact());
  REQUIRE(h.count() == 0);
  REQUIRE(h.bucket_capacity() == 0);
}

TEST_CASE("edge cases: empty, single value, zeros, huge values and negatives", "[stats]") {
  for (const std::size_t limit : {std::size_t{0}, LatencyHistogram::kDefaultExactLimit}) {
    INFO("exact_limit = " << limit);
    LatencyHistogram h(limit);
    REQUIRE(h.count() == 0);
    REQUIRE(h.min() == 0);
    REQUIRE(h.max() == 0);
    for (const double q : {0.0, 0.5, 1.0}) REQUIRE(h.quantile(q) == 0);

    h.record(123'456'789);
    for (const double q : {-1.0, 0.0, 0.001, 0.5, 1.0}) REQUIRE(h.quantile(q) == 123'456'789);

    LatencyHistogram zeros(limit);
    for (int i = 0; i < 1'000; ++i) zeros.record(0);
    REQUIRE(zeros.quantile(0.5) == 0);
    REQUIRE(zeros.quantile(1.0) == 0);
    REQUIRE(zeros.max() == 0);

    LatencyHistogram neg(limit);
    neg.record(-5);
    neg.record(std::numeric_limits<std::int64_t>::min());
    REQUIRE(neg.count() == 2);
    REQUIRE(neg.min() == 0);
    REQUIRE(neg.max() == 0);
    REQUIRE(neg.quantile(0.5) == 0);

    constexpr std::int64_t kP62 = std::int64_t{1} << 62;
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> huge = {kP62 - 1, kP62, kP62 + 1, kP62 + kP62 / 2, kMax, kMax - 1};
    LatencyHistogram big(limit);
    for (const std::int64_t v : huge) big.record(v);
    std::sort(huge.begin(), huge.end());
    REQUIRE(big.max() == kMax);
    REQUIRE(big.min() == kP62 - 1);
    for (const double q : {0.2, 0.4, 0.5, 0.6, 0.8, 1.0}) {
      INFO("q = " << q);
      REQUIRE(within_bound(big.quantile(q), reference_quantile(huge, q)));
    }
  }
}

TEST_CASE("the counts vector grows only for values outside the octaves seen so far", "[stats]") {
  LatencyHistogram h(0);
  REQUIRE(h.bucket_capacity() == 0);
  h.record(1'000);
  h.record(2'000'000);
  const std::size_t capacity = h.bucket_capacity();
  // Blocks 1 (512..1023) through 12 (2^20..2^21): whole octaves between min and max only.
  REQUIRE(capacity == 12 * LatencyHistogram::kSubBuckets);

  std::mt19937_64 rng(5);
  for (int i = 0; i < 100'000; ++i) h.record(512 + static_cast<std::int64_t>(rng() % 1'500'000));
  REQUIRE(h.bucket_capacity() == capacity);

  h.record(1);  // octave block 0
  REQUIRE(h.bucket_capacity() == capacity + LatencyHistogram::kSubBuckets);
  h.record(std::numeric_limits<std::int64_t>::max());
  REQUIRE(h.bucket_capacity() == LatencyHistogram::kBucketCount);
  for (int i = 0; i < 1'000; ++i) h.record(static_cast<std::int64_t>(rng() >> 1));
  REQUIRE(h.bucket_capacity() == LatencyHistogram::kBucketCount);
}
