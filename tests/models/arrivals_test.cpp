// The arrival processes on_off, diurnal, mmpp, schedule, piecewise and ramp: counts and their
// variance against theory (fixed seeds, tolerances of a few standard deviations), exact times of
// the deterministic schedules, and located errors for bad parameters.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "tests/support/run.hpp"

using namespace lsim;

namespace {

std::unique_ptr<ArrivalProcess> make_arrivals(const std::string& yaml, std::uint64_t seed = 5) {
  Diagnostics d;
  const ConfigNode node = parse_yaml_text(yaml, "a.yaml", d);
  auto m = lsim::test::builtin_registries().arrivals.make(node, "arrivals", d,
                                                          RngStream::derive(seed, 0, "a"));
  INFO(d.to_string());
  REQUIRE(m);
  return m;
}

// Every diagnostic of building `yaml` as an arrival process, one per line.
std::string arrival_errors(const std::string& yaml) {
  Diagnostics d;
  const ConfigNode node = parse_yaml_text(yaml, "a.yaml", d);
  auto m = lsim::test::builtin_registries().arrivals.make(node, "arrivals", d,
                                                          RngStream::derive(5, 0, "a"));
  CHECK((m == nullptr) == d.has_errors());
  return d.to_string();
}

// Calls `f(t)` for each arrival before `horizon`, checking that time never goes back; returns
// how many there were.
template <class F>
std::int64_t for_each_arrival(ArrivalProcess& a, Time horizon, F&& f) {
  Time previous = kTimeZero;
  std::int64_t n = 0, backwards = 0;  // one assertion at the end: millions are slow under ASan
  while (const std::optional<Time> t = a.next(previous)) {
    backwards += *t < previous;
    if (*t >= horizon) break;
    f(*t);
    previous = *t;
    ++n;
  }
  CHECK(backwards == 0);
  return n;
}

std::int64_t count_before(ArrivalProcess& a, Time horizon) {
  return for_each_arrival(a, horizon, [](Time) {});
}

Time at_s(double seconds) { return Time{to_duration(seconds)}; }

// The first `n` arrival times, in seconds.
std::vector<double> first_times(ArrivalProcess& a, std::size_t n) {
  std::vector<double> out;
  Time previous = kTimeZero;
  for (std::size_t i = 0; i < n; ++i) {
    const std::optional<Time> t = a.next(previous);
    REQUIRE(t);
    REQUIRE(*t >= previous);
    out.push_back(to_seconds(*t));
    previous = *t;
  }
  return out;
}

// |x - mean| within k standard deviations (plus an allowance for a known, bounded bias).
void check_within(double x, double mean, double sd, double k = 4, double bias = 0) {
  INFO("observed " << x << ", expected " << mean << " +- " << k << " x " << sd << " (+" << bias
                   << ")");
  CHECK(std::fabs(x - mean) <= k * sd + bias);
}

// Index of dispersion Var N(W) / E N(W) of a two-state MMPP (rates l0, l1; jump rates q01, q10)
// for windows of length W in steady state (Fischer & Meier-Hellstern 1993, eq. for the IDC).
double mmpp2_idc(double l0, double l1, double q01, double q10, double w) {
  const double s = q01 + q10;
  const double p0 = q10 / s, p1 = q01 / s;
  const double mean = p0 * l0 + p1 * l1;
  const double sw = s * w;
  return 1 + 2 * p0 * p1 * (l0 - l1) * (l0 - l1) / (mean * s) * (1 - (1 - std::exp(-sw)) / sw);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// on_off

TEST_CASE("on_off with constant periods: arrivals only while ON, at the ON rate",
          "[models][arrivals]") {
  auto a = make_arrivals("{type: on_off, on: 30s, off: 5m, rate: 100/s}");
  CHECK(a->mean_rate_per_s() == Approx(100.0 * 30 / 330));
  // 1,000 cycles hold exactly 30,000 s of ON time: N ~ Poisson(3,000,000).
  int in_off = 0;
  const auto n = for_each_arrival(*a, at_s(330'000), [&](Time t) {
    const double phase = std::fmod(to_seconds(t), 330.0);
    in_off += phase > 30.0 + 1e-6;
  });
  CHECK(in_off == 0);
  check_within(static_cast<double>(n), 3e6, std::sqrt(3e6));
}

TEST_CASE("on_off with random periods has the MMPP's mean and dispersion", "[models][arrivals]") {
  // Exponential ON (mean 30 s) and OFF (mean 300 s) periods at 10/s while ON: a two-state MMPP
  // with rates (10, 0) and jump rates (1/30, 1/300). It starts ON, a bias of at most
  // rate / (jump rates) = 10 / (11/300) ≈ 273 arrivals.
  auto a = make_arrivals("{type: on_off, on: 30s, off: 5m, rate: 10/s, random: true}");
  const double mean_rate = 10.0 * 30 / 330;
  CHECK(a->mean_rate_per_s() == Approx(mean_rate));
  const double horizon = 1e6;
  const double idc = mmpp2_idc(10, 0, 1.0 / 30, 1.0 / 300, horizon);
  const auto n = count_before(*a, at_s(horizon));
  check_within(static_cast<double>(n), mean_rate * horizon, std::sqrt(mean_rate * horizon * idc), 4,
               10.0 / (1.0 / 30 + 1.0 / 300));
}

TEST_CASE("on_off with many short random periods per arrival keeps its mean, in O(1) per arrival",
          "[models][arrivals]") {
  // About 10 (0.1/s, 1 s periods) and 1,000 (1/s, 1 ms periods) ON periods pass between
  // arrivals: the Erlang sums of the skipped periods are drawn one by one, or as one gamma.
  for (const auto& [yaml, rate, on, off, horizon] :
       {std::tuple{"{type: on_off, on: 1s, off: 1s, rate: 0.1/s, random: true}", 0.1, 1.0, 1.0,
                   2e6},
        std::tuple{"{type: on_off, on: 1ms, off: 3ms, rate: 1/s, random: true}", 1.0, 1e-3, 3e-3,
                   4e5}}) {
    INFO(yaml);
    auto a = make_arrivals(yaml);
    const double mean = rate * on / (on + off) * horizon;
    const double idc = mmpp2_idc(rate, 0, 1 / on, 1 / off, horizon);
    check_within(static_cast<double>(count_before(*a, at_s(horizon))), mean, std::sqrt(mean * idc),
                 4, rate / (1 / on + 1 / off));
  }
  // 1 µs periods at 1/h: about 1.8·10^9 periods per arrival, 50 arrivals in 100 hours.
  auto a = make_arrivals("{type: on_off, on: 1us, off: 1us, rate: 1/h, random: true}");
  check_within(static_cast<double>(count_before(*a, at_s(100 * 3600.0))), 50, std::sqrt(50.0));
  // A rate so low that the chance of an arrival per ON period rounds to 0: none, and no hang.
  CHECK_FALSE(make_arrivals("{type: on_off, on: 1us, off: 1us, rate: 1e-320/s, random: true}")
                  ->next(kTimeZero));
}

TEST_CASE("absurdly low rates end the process instead of hanging or going back in time",
          "[models][arrivals]") {
  // The first gap is beyond any representable time (or infinite in doubles).
  for (const char* yaml : {"{type: on_off, on: 1s, off: 1s, rate: 1e-320/s}",
                           "{type: diurnal, rate: 1e-320/s, peak_hour: 3, peak_to_trough: 2}"}) {
    INFO(yaml);
    auto a = make_arrivals(yaml);
    const std::optional<Time> t = a->next(kTimeZero);
    CHECK((!t || *t > at_s(1e9)));
  }
}

TEST_CASE("on_off with OFF = 0 is a Poisson process", "[models][arrivals]") {
  auto a = make_arrivals("{type: on_off, on: 1s, off: 0s, rate: 20/s, random: true}");
  const auto n = count_before(*a, at_s(10'000));
  check_within(static_cast<double>(n), 200'000, std::sqrt(200'000.0));
}

// ---------------------------------------------------------------------------------------------
// diurnal

TEST_CASE("diurnal keeps its mean over whole days and peaks at peak_hour", "[models][arrivals]") {
  // λ(t) = 1/s · (1 + 0.6 cos(2π (h − 14) / 24)): peak/trough = 1.6 / 0.4 = 4. The mean rate in
  // the hour centred on the peak is 1 + 0.6 · sinc, sinc = sin(π/24) / (π/24); in the hour
  // centred on the trough (02:00) it is 1 − 0.6 · sinc.
  auto a = make_arrivals("{type: diurnal, rate: 1/s, peak_hour: 14, peak_to_trough: 4}");
  CHECK(a->mean_rate_per_s() == 1.0);
  const int days = 20;
  std::int64_t peak = 0, trough = 0;
  const auto n = for_each_arrival(*a, at_s(days * 86'400.0), [&](Time t) {
    const double hour = std::fmod(to_seconds(t), 86'400.0) / 3600.0;
    peak += hour >= 13.5 && hour < 14.5;
    trough += hour >= 1.5 && hour < 2.5;
  });
  check_within(static_cast<double>(n), days * 86'400.0, std::sqrt(days * 86'400.0));
  const double sinc = std::sin(std::numbers::pi / 24) / (std::numbers::pi / 24);
  const double peak_mean = (1 + 0.6 * sinc) * 3600 * days;
  const double trough_mean = (1 - 0.6 * sinc) * 3600 * days;
  check_within(static_cast<double>(peak), peak_mean, std::sqrt(peak_mean));
  check_within(static_cast<double>(trough), trough_mean, std::sqrt(trough_mean));
  // The ratio, by the delta method: relative variance 1/N_peak + 1/N_trough.
  const double ratio = static_cast<double>(peak) / static_cast<double>(trough);
  const double want = peak_mean / trough_mean;
  check_within(ratio, want, want * std::sqrt(1 / peak_mean + 1 / trough_mean));
}

TEST_CASE("diurnal with peak_to_trough 1 is a Poisson process", "[models][arrivals]") {
  auto a = make_arrivals("{type: diurnal, rate: 5/s, peak_hour: 0, peak_to_trough: 1}");
  const auto n = count_before(*a, at_s(20'000));
  check_within(static_cast<double>(n), 100'000, std::sqrt(100'000.0));
}

// ---------------------------------------------------------------------------------------------
// mmpp

TEST_CASE("mmpp has the stationary mean rate and the dispersion of theory", "[models][arrivals]") {
  // Rates 0.5/s and 5/s; leaves state 0 at 1/min, state 1 at 1/(2 min): π = (1/3, 2/3).
  auto a = make_arrivals("{type: mmpp, rates: [0.5/s, 5/s], transitions: [[0, 1/m], [0.5/m, 0]]}");
  const double mean_rate = 0.5 / 3 + 5.0 * 2 / 3;
  CHECK(a->mean_rate_per_s() == Approx(mean_rate).epsilon(1e-12));
  // Counts in 2,000 windows of 10 min (15 correlation times each): their mean is the rate, and
  // their variance / mean is the IDC of 10-minute windows.
  const int windows = 2000;
  const double w = 600;
  std::vector<double> counts(windows, 0.0);
  const auto n = for_each_arrival(*a, at_s(windows * w), [&](Time t) {
    counts[static_cast<std::size_t>(to_seconds(t) / w)] += 1;
  });
  const double total = windows * w * mean_rate;
  const double idc_total = mmpp2_idc(0.5, 5, 1.0 / 60, 0.5 / 60, windows * w);
  // Started in state 0, not in steady state: a bias of at most |0.5 − mean| / (sum of jump
  // rates) = 3 · 40 s = 120 arrivals.
  check_within(static_cast<double>(n), total, std::sqrt(total * idc_total), 4, 120);
  double sum = 0, sum2 = 0;
  for (double c : counts) {
    sum += c;
    sum2 += c * c;
  }
  const double mean = sum / windows;
  const double var = (sum2 - windows * mean * mean) / (windows - 1);
  const double idc = mmpp2_idc(0.5, 5, 1.0 / 60, 0.5 / 60, w);
  INFO("IDC of 10-minute windows: observed " << var / mean << ", theory " << idc);
  CHECK(idc > 50);  // strongly over-dispersed: not Poisson
  // A sample variance of k nearly independent windows has relative sd about sqrt(2/k); allow 5.
  check_within(var / mean, idc, idc * std::sqrt(2.0 / windows), 5);
}

TEST_CASE("mmpp's mean rate comes from the stationary distribution of its chain",
          "[models][arrivals]") {
  // A cycle 0 → 1 → 2 → 0 with leaving rates 1, 2, 4 per minute: π ∝ (1, 1/2, 1/4).
  auto a = make_arrivals(
      "{type: mmpp, rates: [7/s, 14/s, 0/s], initial_state: 2,"
      " transitions: [[0, 1/m, 0], [0, 0, 2/m], [4/m, 0, 0]]}");
  CHECK(a->mean_rate_per_s() == Approx((7 * 1.0 + 14 * 0.5) / 1.75).epsilon(1e-12));
  const double horizon = 200'000;
  const auto n = count_before(*a, at_s(horizon));
  // Loose bound on the spread: the variance of a 3-state MMPP is below that of the two-state
  // chain switching between the extreme rates at the slowest jump rate (IDC ≤ 1 + 2·14²/(8·1/60)).
  const double total = a->mean_rate_per_s() * horizon;
  check_within(static_cast<double>(n), total, std::sqrt(total * (1 + 2 * 196.0 / (8.0 / 60))), 4,
               14 * 60);
}

TEST_CASE("an mmpp whose rates are all 0 has no arrivals", "[models][arrivals]") {
  auto a = make_arrivals("{type: mmpp, rates: [0/s, 0/s], transitions: [[0, 1/s], [1/s, 0]]}");
  CHECK(a->mean_rate_per_s() == 0.0);
  CHECK_FALSE(a->next(kTimeZero));
}

TEST_CASE("a one-state mmpp is a Poisson process", "[models][arrivals]") {
  auto a = make_arrivals("{type: mmpp, rates: [20/s], transitions: [[0]]}");
  CHECK(a->mean_rate_per_s() == 20.0);
  check_within(static_cast<double>(count_before(*a, at_s(5'000))), 100'000, std::sqrt(1e5));
}

// ---------------------------------------------------------------------------------------------
// piecewise and ramp

TEST_CASE("ramp interpolates the rate linearly and then holds the last one", "[models][arrivals]") {
  // 0 → 100/s over 1,000 s: 50,000 expected; then 100/s: 100,000 in the next 1,000 s.
  auto a = make_arrivals("{type: ramp, points: [[0s, 0/s], [1000s, 100/s]]}");
  CHECK(a->mean_rate_per_s() == 100.0);
  std::int64_t first = 0, second = 0, first_quarter = 0;
  for_each_arrival(*a, at_s(2000), [&](Time t) {
    const double s = to_seconds(t);
    first += s < 1000;
    second += s >= 1000;
    first_quarter += s < 250;  // ∫0^250 0.1 t dt = 3,125
  });
  check_within(static_cast<double>(first), 50'000, std::sqrt(50'000.0));
  check_within(static_cast<double>(second), 100'000, std::sqrt(100'000.0));
  check_within(static_cast<double>(first_quarter), 3125, std::sqrt(3125.0));
}

TEST_CASE("a ramp down to zero ends the process", "[models][arrivals]") {
  auto a = make_arrivals("{type: ramp, points: [[0s, 100/s], [1000s, 0/s]]}");
  CHECK(a->mean_rate_per_s() == 0.0);
  const auto n = count_before(*a, kTimeMax);  // ends by itself: next() returns nullopt
  check_within(static_cast<double>(n), 50'000, std::sqrt(50'000.0));
}

TEST_CASE("piecewise holds each point's rate until the next point", "[models][arrivals]") {
  auto a = make_arrivals("{type: piecewise, points: [[0s, 10/s], [100m, 0/s], [200m, 50/s]]}");
  std::int64_t first = 0, gap = 0, last = 0;
  for_each_arrival(*a, at_s(300 * 60), [&](Time t) {
    const double m = to_seconds(t) / 60;
    first += m < 100;
    gap += m >= 100 && m < 200;
    last += m >= 200;
  });
  CHECK(gap == 0);
  check_within(static_cast<double>(first), 60'000, std::sqrt(60'000.0));
  check_within(static_cast<double>(last), 300'000, std::sqrt(300'000.0));
}

// ---------------------------------------------------------------------------------------------
// schedule

TEST_CASE("schedule every: ticks at offset + k·every", "[models][arrivals]") {
  auto a = make_arrivals("{type: schedule, every: 5m, offset: 30s}");
  CHECK(first_times(*a, 3) == std::vector<double>{30, 330, 630});
  CHECK(a->mean_rate_per_s() == Approx(1.0 / 300));
  auto b = make_arrivals("{type: schedule, every: 1h}");
  CHECK(first_times(*b, 2) == std::vector<double>{0, 3600});
}

TEST_CASE("schedule cron: exact times for steps, lists, ranges, months and days of the week",
          "[models][arrivals]") {
  constexpr double kMin = 60, kHour = 3600, kDay = 86'400;
  struct Case {
    const char* cron;
    std::vector<double> times;  // seconds from the start, 2024-01-01 (a Monday) 00:00 UTC
    double mean_rate;           // per second
  };
  const Case cases[] = {
      {"*/15 * * * *", {0, 15 * kMin, 30 * kMin, 45 * kMin, kHour}, 4 / kHour},
      {"10-20/5 * * * *", {10 * kMin, 15 * kMin, 20 * kMin, kHour + 10 * kMin}, 3 / kHour},
      {"5/20 * * * *", {5 * kMin, 25 * kMin, 45 * kMin, kHour + 5 * kMin}, 3 / kHour},
      {"0,30 9-10 * * *",
       {9 * kHour, 9.5 * kHour, 10 * kHour, 10.5 * kHour, kDay + 9 * kHour},
       4 / kDay},
      // Saturday and Sunday are days 5 and 6 of 2024 (Jan 6 and 7).
      {"0 12 * * SAT,SUN",
       {5 * kDay + 12 * kHour, 6 * kDay + 12 * kHour, 12 * kDay + 12 * kHour},
       2 / (7 * kDay)},
      {"0 0 ? * 7", {6 * kDay, 13 * kDay}, 1 / (7 * kDay)},  // 7 is Sunday, `?` is `*`
      {"0 0 * * 0", {6 * kDay, 13 * kDay}, 1 / (7 * kDay)},  // so is 0
      {"30 8 * * mon-fri", {8.5 * kHour, kDay + 8.5 * kHour}, 5 / (7 * kDay)},
      // Quarterly: Jan 1, Apr 1 (2024 is a leap year: day 91), Jul 1 (day 182).
      {"0 0 1 */3 *", {0, 91 * kDay, 182 * kDay}, 4 / (365.2425 * kDay)},
      {"0 0 1 JAN,JUL ?", {0, 182 * kDay, 366 * kDay}, 2 / (365.2425 * kDay)},
      // February 29: 97 leap days in 400 years; the next one after 2024 is in 2028.
      {"0 0 29 2 *", {59 * kDay, (59 + 366 + 365 * 3) * kDay}, 97 / (146'097 * kDay)},
  };
  for (const Case& c : cases) {
    INFO(c.cron);
    auto a = make_arrivals(fmt::format("{{type: schedule, cron: \"{}\"}}", c.cron));
    CHECK(first_times(*a, c.times.size()) == c.times);
    CHECK(a->mean_rate_per_s() == Approx(c.mean_rate).epsilon(1e-12));
  }
  // Another start date moves days of the week: 2023-12-31 is a Sunday.
  auto a = make_arrivals("{type: schedule, cron: \"0 0 * * SUN\", start_date: 2023-12-31}");
  CHECK(first_times(*a, 2) == std::vector<double>{0, 7 * kDay});
}

TEST_CASE("schedule count: N arrivals at each tick, at the same instant", "[models][arrivals]") {
  auto a = make_arrivals("{type: schedule, cron: \"*/10 * * * *\", count: 3}");
  CHECK(first_times(*a, 7) == std::vector<double>{0, 0, 0, 600, 600, 600, 1200});
  CHECK(a->mean_rate_per_s() == Approx(3.0 / 600));
  // Through the platform: ticks at 0, 1, ..., 9 min in a 10-minute run, 3 each.
  const auto s = lsim::test::run_yaml(R"(duration: 10m
functions:
  - name: f
    duration: { type: constant, value: 100ms }
    cold_start: { type: constant, value: 0ms }
workload:
  - function: f
    arrivals: { type: schedule, every: 1m, count: 3 }
)");
  CHECK(s.total.invocations.arrived == 30);
  CHECK(s.total.invocations.cold == 3);  // three concurrent pings need three environments
  lsim::test::check_conservation(s);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST_CASE("bad arrival parameters are reported at their key path", "[models][arrivals]") {
  const std::pair<const char*, const char*> cases[] = {
      {"{type: on_off, on: 0s, off: 1m, rate: 1/s}", "arrivals.on: must be > 0"},
      {"{type: on_off, on: 1s, rate: 1/s}", "arrivals: missing required key 'off'"},
      {"{type: on_off, on: 1s, off: 1s, rate: 1/s, random: maybe}",
       "arrivals.random: 'maybe' is not true or false"},
      {"{type: diurnal, rate: 1/s, peak_hour: 25, peak_to_trough: 2}",
       "arrivals.peak_hour: must be 0 to 24"},
      {"{type: diurnal, rate: 1/s, peak_hour: 3, peak_to_trough: 0.5}",
       "arrivals.peak_to_trough: must be at least 1"},
      {"{type: mmpp, rates: [1/s, 2/s], transitions: [[0, 1/s], [0, 0]]}",
       "arrivals.transitions: every state must be reachable from every other state"},
      {"{type: mmpp, rates: [1/s, 2/s], transitions: [[1/s, 1/s], [1/s, 0]]}",
       "arrivals.transitions[0][0]: the diagonal must be 0"},
      {"{type: mmpp, rates: [1/s, 2/s], transitions: [[0, 1/s]]}",
       "arrivals.transitions: expected 2 rows (one per state), each a list of 2 rates"},
      {"{type: mmpp, rates: [1/s, 2/s], transitions: [[0, 1/s], [1/s]]}",
       "arrivals.transitions[1]: expected 2 rates (one per state), got 1"},
      {"{type: mmpp, rates: [1/s, 2], transitions: [[0, 1/s], [1/s, 0]]}",
       "arrivals.rates[1]: '2' has no unit"},
      {"{type: mmpp, rates: [1/s], transitions: [[0]], initial_state: 1}",
       "arrivals.initial_state: must be a state, 0 to 0"},
      {"{type: mmpp, rates: [1/s]}", "arrivals: missing required key 'transitions'"},
      {"{type: mmpp, rates: [1/h, 0/s], transitions: [[0, 1000/s], [1000/s, 0]]}",
       "arrivals.transitions: the chain jumps 7.2e+06 times per arrival on average, more than "
       "10^6"},
      {"{type: mmpp, rates: [1e-320/s, 0/s], transitions: [[0, 1/s], [1/s, 0]]}",
       "arrivals.transitions: the chain jumps too many times per arrival"},
      {"{type: ramp, points: [[10s, 1/s]]}",
       "arrivals.points[0][0]: the first point must be at time 0"},
      {"{type: ramp, points: [[0s, 1/s], [1m, 2/s], [1m, 3/s]]}",
       "arrivals.points[2][0]: times must increase from one point to the next"},
      {"{type: piecewise, points: [[0s, 1/s], [1m]]}",
       "arrivals.points[1]: expected a point [time, rate]"},
      {"{type: piecewise, points: [[0s, fast]]}", "arrivals.points[0][1]: 'fast'"},
      {"{type: piecewise}", "arrivals: missing required key 'points'"},
      {"{type: schedule}", "arrivals: needs 'every' (a fixed rate) or 'cron'"},
      {"{type: schedule, every: 1m, cron: \"* * * * *\"}",
       "arrivals: give either 'every' or 'cron', not both"},
      {"{type: schedule, every: 0s}", "arrivals.every: must be > 0"},
      {"{type: schedule, every: 1m, count: 0}", "arrivals.count: must be from 1 to 1000000"},
      {"{type: schedule, every: 1m, start_date: 2024-01-01}",
       "arrivals.start_date: only applies to 'cron'"},
      {"{type: schedule, cron: \"0 * * * *\", offset: 1m}",
       "arrivals.offset: only applies to 'every'"},
      {"{type: schedule, cron: \"60 * * * *\"}",
       "arrivals.cron: minute field: '60' is not a valid minute (0-59)"},
      {"{type: schedule, cron: \"* * * *\"}", "arrivals.cron: expected 5 fields"},
      {"{type: schedule, cron: [0, 5]}", "arrivals.cron: expected a single value"},
      {"{type: schedule, cron: \"* * * * * 2024\"}", "year field is not supported"},
      {"{type: schedule, cron: \"*/0 * * * *\"}", "the step must be a whole number from 1 to 59"},
      {"{type: schedule, cron: \"0 20-8 * * *\"}", "hour field: '20-8': the range runs backwards"},
      {"{type: schedule, cron: \"0 0 * FOO *\"}",
       "month field: 'FOO' is not a valid month (1-12 or a name)"},
      {"{type: schedule, cron: \"0 0 1 * MON\"}",
       "arrivals.cron: day-of-month and day-of-week cannot both be restricted"},
      {"{type: schedule, cron: \"0 0 31 2 *\"}", "arrivals.cron: never fires: no day matches it"},
      {"{type: schedule, cron: \"0 0 * * *\", start_date: 2024-02-30}",
       "arrivals.start_date: '2024-02-30' is not a date (YYYY-MM-DD)"},
  };
  for (const auto& [yaml, message] : cases) {
    INFO(yaml);
    const std::string errors = arrival_errors(yaml);
    INFO(errors);
    CHECK(errors.find(message) != std::string::npos);
  }
}
