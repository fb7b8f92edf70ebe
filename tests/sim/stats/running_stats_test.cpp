// Tests for RunningStats (Welford against a two-pass reference, merge) and TimeWeighted (areas,
// window clipping, max inside the window, empty windows).
#include "sim/stats/running_stats.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using lsim::RunningStats;
using lsim::TimeWeighted;

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Values with a large offset: the naive sum-of-squares formula loses most digits on these.
std::vector<double> offset_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(1e6 + 50.0 * uniform01(rng) + 1e-3 * static_cast<double>(i));
  return out;
}

bool close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

}  // namespace

TEST_CASE("Welford matches the two-pass mean and variance on 100k values", "[stats]") {
  const std::vector<double> xs = offset_values(100'000, 3);
  RunningStats s;
  for (const double x : xs) s.add(x);

  long double sum = 0;
  for (const double x : xs) sum += x;
  const long double mean = sum / xs.size();
  long double ss = 0;
  for (const double x : xs) ss += (x - mean) * (x - mean);
  const double variance = static_cast<double>(ss / (xs.size() - 1));

  REQUIRE(s.count() == xs.size());
  REQUIRE(close(s.mean(), static_cast<double>(mean), 1e-9));
  REQUIRE(close(s.variance(), variance, 1e-9));
  REQUIRE(close(s.stddev(), std::sqrt(variance), 1e-9));
  REQUIRE(close(s.sum(), static_cast<double>(sum), 1e-9));
  REQUIRE(s.min() == *std::min_element(xs.begin(), xs.end()));
  REQUIRE(s.max() == *std::max_element(xs.begin(), xs.end()));
}

TEST_CASE("merging two halves equals adding everything to one", "[stats]") {
  const std::vector<double> xs = offset_values(100'000, 4);
  RunningStats whole, first, second;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    whole.add(xs[i]);
    (i < 30'000 ? first : second).add(xs[i]);
  }
  first.merge(second);
  REQUIRE(first.count() == whole.count());
  REQUIRE(close(first.mean(), whole.mean(), 1e-12));
  REQUIRE(close(first.variance(), whole.variance(), 1e-9));
  REQUIRE(close(first.sum(), whole.sum(), 1e-12));
  REQUIRE(first.min() == whole.min());
  REQUIRE(first.max() == whole.max());

  RunningStats empty;
  empty.merge(whole);
  REQUIRE(empty.count() == whole.count());
  REQUIRE(empty.mean() == whole.mean());
  whole.merge(RunningStats{});
  REQUIRE(empty.variance() == whole.variance());

  RunningStats twice;
  for (const double x : {1.0, 2.0, 4.0}) twice.add(x), twice.add(x);
  RunningStats self;
  for (const double x : {1.0, 2.0, 4.0}) self.add(x);
  self.merge(self);
  REQUIRE(self.count() == 6);
  REQUIRE(self.mean() == Approx(twice.mean()));
  REQUIRE(self.variance() == Approx(twice.variance()));
}

TEST_CASE("empty and single-sample statistics are zero where undefined", "[stats]") {
  RunningStats s;
  REQUIRE(s.count() == 0);
  REQUIRE(s.mean() == 0.0);
  REQUIRE(s.variance() == 0.0);
  REQUIRE(s.stddev() == 0.0);
  REQUIRE(s.min() == 0.0);
  REQUIRE(s.max() == 0.0);
  REQUIRE(s.sum() == 0.0);
  s.add(-2.5);
  REQUIRE(s.mean() == -2.5);
  REQUIRE(s.variance() == 0.0);
  REQUIRE(s.min() == -2.5);
  REQUIRE(s.max() == -2.5);
  s.add(2.5);
  REQUIRE(s.mean() == 0.0);
  REQUIRE(s.variance() == 12.5);
}

TEST_CASE("time-weighted area clips pieces to the window on both sides", "[stats]") {
  TimeWeighted tw(10'000'000, 50'000'000);  // window 10 s .. 50 s
  tw.set(0, 2);                             // held 0..20 s: 10 s inside
  tw.set(20'000'000, 5);                    // 20..40 s: 20 s
  tw.set(40'000'000, 1);                    // 40..60 s: 10 s inside
  tw.set(60'000'000, 9);                    // after the window
  tw.finish(70'000'000);
  REQUIRE(tw.area_seconds() == Approx(2 * 10 + 5 * 20 + 1 * 10).epsilon(1e-15));
  REQUIRE(tw.mean() == Approx(130.0 / 40.0).epsilon(1e-15));
  REQUIRE(tw.max() == 5);  // 9 comes after the window
  REQUIRE(tw.current() == 9);
}

TEST_CASE("time-weighted max counts only values held inside the window", "[stats]") {
  SECTION("values before from and after to are ignored") {
    TimeWeighted tw(100, 200);
    tw.set(0, 1'000);  // replaced before the window opens
    tw.set(50, 3);     // held at from
    tw.set(150, 2);
    tw.set(201, 500);  // after the window
    tw.finish(300);
    REQUIRE(tw.max() == 3);
    REQUIRE(tw.area_seconds() == Approx((3 * 50 + 2 * 50) * 1e-6));
  }
  SECTION("the value held at from counts, a value replaced exactly at from does not") {
    TimeWeighted tw(100, 200);
    tw.set(0, 7);
    tw.set(150, 1);
    tw.finish(200);
    REQUIRE(tw.max() == 7);
    REQUIRE(tw.area_seconds() == Approx((7 * 50 + 1 * 50) * 1e-6));

    TimeWeighted at_from(100, 200);
    at_from.set(0, 7);
    at_from.set(100, 4);
    at_from.finish(200);
    REQUIRE(at_from.max() == 4);
    REQUIRE(at_from.mean() == Approx(4.0));
  }
  SECTION("a value set exactly at to is held inside the closed window but adds no area") {
    TimeWeighted tw(100, 200);
    tw.set(100, 1);
    tw.set(200, 99);
    tw.finish(300);
    REQUIRE(tw.max() == 99);
    REQUIRE(tw.mean() == Approx(1.0));
  }
  SECTION("a value overwritten at the same instant is never held") {
    TimeWeighted tw(0, 100);
    tw.set(10, 50);
    tw.set(10, 5);
    tw.finish(100);
    REQUIRE(tw.max() == 5);
    REQUIRE(tw.area_seconds() == Approx(5 * 90 * 1e-6));
  }
  SECTION("nothing set means a constant 0") {
    TimeWeighted tw(0, 100);
    REQUIRE(tw.max() == 0);
    tw.finish(1'000);
    REQUIRE(tw.max() == 0);
    REQUIRE(tw.mean() == 0.0);
    REQUIRE(tw.current() == 0);
  }
  SECTION("max sees the open piece before finish") {
    TimeWeighted tw(0, 100);
    tw.set(40, 8);
    REQUIRE(tw.max() == 8);
    REQUIRE(tw.area_seconds() == 0.0);  // nothing closed yet
    tw.finish(60);
    REQUIRE(tw.area_seconds() == Approx(8 * 20 * 1e-6));
    tw.finish(60);  // repeated finish is harmless
    tw.set(80, 2);
    tw.finish(100);
    REQUIRE(tw.area_seconds() == Approx((8 * 40 + 2 * 20) * 1e-6));
  }
}

TEST_CASE("an empty window has zero area and mean but a max at from", "[stats]") {
  TimeWeighted tw(10, 10);
  tw.set(0, 4);
  tw.set(10, 6);
  tw.set(20, 9);
  tw.finish(30);
  REQUIRE(tw.area_seconds() == 0.0);
  REQUIRE(tw.mean() == 0.0);
  REQUIRE(tw.max() == 6);
  REQUIRE_THROWS_AS(TimeWeighted(10, 9), lsim::InternalError);
}

TEST_CASE("time-weighted area is accumulated exactly in integers", "[stats]") {
  SECTION("many one-microsecond pieces sum without rounding") {
    TimeWeighted tw(0, 3'000'000);
    for (std::int64_t t = 0; t < 3'000'000; ++t) tw.set(t, 1 + t % 2);  // alternating 1, 2
    tw.finish(3'000'000);
    REQUIRE(tw.area_seconds() == 4.5);
    REQUIRE(tw.mean() == 1.5);
    REQUIRE(tw.max() == 2);
  }
  SECTION("products beyond the int64 range") {
    TimeWeighted tw(0, 2'000'000'000'000);  // ~23 days
    tw.set(0, 4'000'000'000'000);
    tw.finish(2'000'000'000'000);  // area 8e24 value*us overflows int64
    REQUIRE(tw.area_seconds() == Approx(8e18).epsilon(1e-15));
    REQUIRE(tw.mean() == Approx(4e12).epsilon(1e-15));
  }
  SECTION("time going backwards is a broken invariant") {
    TimeWeighted tw(0, 10);
    tw.set(5, 1);
    REQUIRE_THROWS_AS(tw.set(4, 2), lsim::InternalError);
    REQUIRE_THROWS_AS(tw.finish(4), lsim::InternalError);
  }
}
