// The `trace` arrival process on the hand-made fixtures of tests/data/traces/: exact replay of
// csv timestamps, exact per-minute counts of the Azure 2019 layout under both spreading rules,
// start = end − duration for the Azure 2021 layout with its reorder window, located errors, and
// streaming (a file is read as far as the replay goes, not whole).
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tests/support/run.hpp"

using namespace lsim;

namespace {

const std::string kTraces = std::string(LSIM_SOURCE_DIR) + "/tests/data/traces/";
const std::string kHttp = "73751f394403911ce4e5c6ca0b8b54380058a52c343d9374f654ff0522db2638";

// Builds arrivals from `yaml`, written as if in a file of `origin` (relative paths start there).
std::unique_ptr<ArrivalProcess> make(const std::string& yaml, Diagnostics& d,
                                     const std::string& origin = kTraces + "scenario.yaml",
                                     std::uint64_t seed = 5) {
  const ConfigNode node = parse_yaml_text(yaml, origin, d);
  return test::builtin_registries().arrivals.make(node, "arrivals", d,
                                                  RngStream::derive(seed, 0, "a"));
}

std::unique_ptr<ArrivalProcess> make_ok(const std::string& yaml, std::uint64_t seed = 5) {
  Diagnostics d;
  auto m = make(yaml, d, kTraces + "scenario.yaml", seed);
  INFO(d.to_string());
  REQUIRE(m);
  return m;
}

std::string errors_of(const std::string& yaml) {
  Diagnostics d;
  auto m = make(yaml, d);
  CHECK(m == nullptr);
  return d.to_string();
}

// Every arrival, in microseconds, up to `limit` of them; checks that time never goes back.
std::vector<std::int64_t> all_us(ArrivalProcess& a, std::size_t limit = 10'000'000) {
  std::vector<std::int64_t> out;
  Time previous = kTimeZero;
  while (out.size() < limit) {
    const std::optional<Time> t = a.next(previous);
    if (!t) break;
    REQUIRE(*t >= previous);
    out.push_back(t->time_since_epoch().count());
    previous = *t;
  }
  return out;
}

// A file in the temporary folder, removed at the end of the test.
struct TempFile {
  explicit TempFile(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              fmt::format("lsim_trace_test_{}_{}", ::getpid(), name))
                 .string()) {}
  ~TempFile() { std::remove(path.c_str()); }
  void write(const std::string& text) const { std::ofstream(path, std::ios::binary) << text; }
  std::string path;
};

}  // namespace

TEST_CASE("A csv trace replays exactly its invocations and timestamps", "[models][trace]") {
  SECTION("rows of one function, selected from a file with a header") {
    auto a = make_ok("{type: trace, format: csv, path: csv/invocations.csv, function: api}");
    CHECK(all_us(*a) ==
          std::vector<std::int64_t>{500'000, 1'000'000, 2'250'000, 4'750'000, 7'500'000});
  }
  SECTION("a file without header, repeated timestamps kept") {
    auto a = make_ok("{type: trace, format: csv, path: csv/timestamps.csv}");
    CHECK(all_us(*a) == std::vector<std::int64_t>{250'000, 1'500'000, 1'500'000, 2'000'000,
                                                  10'000'000, 30'125'000, 59'999'000});
  }
  SECTION("time_offset drops earlier rows and start shifts the rest") {
    auto a =
        make_ok("{type: trace, format: csv, path: csv/timestamps.csv, time_offset: 2s, start: 1m}");
    CHECK(all_us(*a) == std::vector<std::int64_t>{60'000'000, 68'000'000, 88'125'000, 117'999'000});
  }
  SECTION("loop replays the trace again, one rounded-up span later") {
    auto a = make_ok(
        "{type: trace, format: csv, path: csv/invocations.csv, function: thumbnail,"
        " loop: true}");
    // thumbnail: 1, 3, 9 s; the span rounds up to 9 s.
    CHECK(all_us(*a, 7) == std::vector<std::int64_t>{1'000'000, 3'000'000, 9'000'000, 10'000'000,
                                                     12'000'000, 18'000'000, 19'000'000});
  }
  SECTION("a loop that replays nothing ends; a loop_period shorter than the trace is an error") {
    auto none = make_ok(
        "{type: trace, format: csv, path: csv/timestamps.csv, time_offset: 1h, loop: true}");
    CHECK_FALSE(none->next(kTimeZero));
    auto short_loop = make_ok(
        "{type: trace, format: csv, path: csv/timestamps.csv, loop: true, loop_period: 30s}");
    CHECK_THROWS_WITH(all_us(*short_loop), Catch::Contains("loop_period 30 s is shorter"));
  }
  SECTION("a gzip file replays the same (recognised by its magic bytes, not its name)") {
    TempFile f("gz.csv");
    gzFile gz = gzopen(f.path.c_str(), "wb");
    REQUIRE(gz != nullptr);
    const std::string text = "timestamp\n0.5\n2\n";
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    auto a = make_ok(fmt::format("{{type: trace, format: csv, path: {}}}", f.path));
    CHECK(all_us(*a) == std::vector<std::int64_t>{500'000, 2'000'000});
  }
  SECTION("a relative path is taken from the scenario's folder") {
    Diagnostics d;
    auto a = make("{type: trace, format: csv, path: traces/csv/timestamps.csv}", d,
                  std::string(LSIM_SOURCE_DIR) + "/tests/data/elsewhere.yaml");
    INFO(d.to_string());
    REQUIRE(a);
    CHECK(all_us(*a).size() == 7);
  }
}

TEST_CASE("An Azure 2019 trace reproduces every minute's count under both spreading rules",
          "[models][trace]") {
  const std::vector<std::int64_t> counts{3, 0, 5, 2, 1};  // fn-http, minutes 1..5
  const std::string spread = GENERATE(as<std::string>{}, "uniform", "poisson");
  const std::string yaml = fmt::format(
      "{{type: trace, format: azure2019, path: azure2019/invocations_per_function_md.anon.d01.csv,"
      " function: {}, spread: {}}}",
      kHttp, spread);
  auto a = make_ok(yaml);
  const std::vector<std::int64_t> t = all_us(*a);
  std::vector<std::int64_t> per_minute(5, 0);
  for (const std::int64_t us : t) {
    REQUIRE(us / 60'000'000 < 5);
    ++per_minute[static_cast<std::size_t>(us / 60'000'000)];
  }
  CHECK(per_minute == counts);
  CHECK(a->mean_rate_per_s() == Approx(11.0 / 86400.0));
  if (spread == "uniform") {
    CHECK(t == std::vector<std::int64_t>{10'000'000, 30'000'000, 50'000'000, 126'000'000,
                                         138'000'000, 150'000'000, 162'000'000, 174'000'000,
                                         195'000'000, 225'000'000, 270'000'000});
  } else {
    // Same seed, same times; another seed, other times (within the same minutes).
    CHECK(all_us(*make_ok(yaml)) == t);
    CHECK(all_us(*make_ok(yaml, 6)) != t);
  }
}

TEST_CASE("Poisson spreading draws uniform order statistics within each minute",
          "[models][trace]") {
  // One minute of 2 invocations repeated (loop): the mean position of the first of two uniform
  // points is 1/3 of the minute, of the second 2/3.
  TempFile f("poisson.csv");
  f.write("HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,2\n");
  auto a =
      make_ok(fmt::format("{{type: trace, format: azure2019, path: {}, function: f, "
                          "spread: poisson, loop: true}}",
                          f.path));
  const int n = 20'000;
  const std::vector<std::int64_t> t = all_us(*a, 2 * n);
  double first = 0, second = 0;
  for (int i = 0; i < n; ++i) {
    const std::int64_t minute = 60'000'000LL * i;
    REQUIRE(t[2 * i] >= minute);
    REQUIRE(t[2 * i + 1] < minute + 60'000'000);
    first += static_cast<double>(t[2 * i] - minute) / 60e6;
    second += static_cast<double>(t[2 * i + 1] - minute) / 60e6;
  }
  // Standard deviation of each position is about 0.24: 5 sigma of the mean is 0.0085.
  CHECK(first / n == Approx(1.0 / 3).margin(0.0085));
  CHECK(second / n == Approx(2.0 / 3).margin(0.0085));
}

TEST_CASE("An Azure 2021 trace starts each invocation at end − duration", "[models][trace]") {
  const std::string path = "azure2021/AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt";
  const std::string app = "91490f0b", func = "5b7fb49d";  // prefixes, completed below
  std::string app_hash, func_hash;
  {  // the fixture's first row is the function under test
    std::ifstream in(kTraces + path);
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    app_hash = row.substr(0, 64);
    func_hash = row.substr(65, 64);
    REQUIRE(app_hash.starts_with(app));
    REQUIRE(func_hash.starts_with(func));
  }
  SECTION("the reorder window sorts starts that the end-time order mixed up") {
    auto a =
        make_ok(fmt::format("{{type: trace, format: azure2021, path: {}, app: {}, func: {}, "
                            "time_offset: 5150s}}",
                            path, app_hash, func_hash));
    // Rows at lines 2, 4, 6, 8, 10: ends 5160.142570018768, 5163.5, 5164.0, 5171.0, 5175.75 minus
    // 0.134, 4.0, 0.2, 0.1, 0.25 s; line 4 starts first.
    CHECK(all_us(*a) ==
          std::vector<std::int64_t>{9'500'000, 10'008'570, 13'800'000, 20'900'000, 25'500'000});
  }
  SECTION("without a window, the row that starts too early is an error naming its line") {
    auto a =
        make_ok(fmt::format("{{type: trace, format: azure2021, path: {}, app: {}, func: {}, "
                            "reorder_window: 0}}",
                            path, app_hash, func_hash));
    CHECK(a->next(kTimeZero));
    CHECK_THROWS_WITH(a->next(kTimeZero),
                      Catch::Contains("AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt:4:1: "
                                      "error: rows out of time order: 5159.5 s is earlier than "
                                      "5160.00857"));
  }
}

TEST_CASE("Bad traces are reported with the file and line", "[models][trace]") {
  SECTION("a missing file, at the path key of the scenario") {
    CHECK_THAT(errors_of("{type: trace, format: csv, path: csv/nope.csv}"),
               Catch::Contains("scenario.yaml:1:34: error: arrivals.path: cannot open trace file"));
  }
  SECTION("an unknown format, and keys that do not apply") {
    CHECK_THAT(
        errors_of("{type: trace, format: azure2020, path: csv/timestamps.csv}"),
        Catch::Contains("unknown trace format 'azure2020'; known: csv, azure2019, azure2021"));
    CHECK_THAT(errors_of("{type: trace, format: csv, path: csv/timestamps.csv, spread: poisson}"),
               Catch::Contains("'spread' does not apply to format 'csv'"));
  }
  SECTION("a bad first row is found when the scenario is loaded") {
    TempFile f("bad_first.csv");
    f.write("timestamp\n# a comment\n1.5x\n");
    CHECK_THAT(errors_of(fmt::format("{{type: trace, format: csv, path: {}}}", f.path)),
               Catch::Contains(f.path + ":3:1: error: arrivals: '1.5x' is not a time in seconds"));
  }
  SECTION("rows out of order, and a function that has no rows") {
    TempFile f("disorder.csv");
    f.write("1\n3\n2\n");
    Diagnostics d;
    auto a = make(fmt::format("{{type: trace, format: csv, path: {}}}", f.path), d);
    REQUIRE(a);
    CHECK(a->next(kTimeZero));
    CHECK(a->next(kTimeZero));
    CHECK_THROWS_WITH(
        a->next(kTimeZero),
        Catch::Contains(":3:1: error: rows out of time order: 2 s is earlier than 3 s"));
    CHECK_THAT(errors_of("{type: trace, format: csv, path: csv/invocations.csv, function: web}"),
               Catch::Contains("no rows of function 'web'"));
    CHECK_THAT(errors_of("{type: trace, format: csv, path: csv/invocations.csv}"),
               Catch::Contains("invocations.csv:1:1: error: arrivals: the trace has a function "
                               "column: choose one function with `function: NAME`"));
  }
  SECTION("Azure 2019: a bad header, a bad count, an unknown function") {
    TempFile f("bad2019.csv");
    f.write("HashOwner,HashApp,HashFunction,Trigger,1,3\n");
    CHECK_THAT(
        errors_of(fmt::format("{{type: trace, format: azure2019, path: {}, function: f}}", f.path)),
        Catch::Contains(":1:1: error: arrivals: column 6 of the header should be the minute '2'"));
    f.write("HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,-2\n");
    CHECK_THAT(
        errors_of(fmt::format("{{type: trace, format: azure2019, path: {}, function: f}}", f.path)),
        Catch::Contains(":2:1: error: arrivals: minute 2: '-2' is not a count of invocations"));
    CHECK_THAT(
        errors_of(fmt::format("{{type: trace, format: azure2019, path: {}, function: g}}", f.path)),
        Catch::Contains("no row with HashFunction 'g'"));
  }
}

TEST_CASE("A large trace is streamed: read as far as the replay goes, in bounded memory",
          "[models][trace]") {
  TempFile f("large.csv");
  {
    std::ofstream out(f.path, std::ios::binary);
    out << "timestamp,function\n";
    for (int i = 0; i < 1'000'000; ++i)
      out << fmt::format("{}.{:03},{}\n", i / 1000, i % 1000, i % 2 ? "a" : "b");
  }
  SECTION("a million rows replay, every one of the selected function") {
    auto a = make_ok(fmt::format("{{type: trace, format: csv, path: {}, function: a}}", f.path));
    Time previous = kTimeZero;
    std::int64_t n = 0, last = 0;
    while (const auto t = a->next(previous)) {
      ++n;
      last = t->time_since_epoch().count();
      previous = *t;
    }
    CHECK(n == 500'000);
    CHECK(last == 999'999'000);
  }
  SECTION("garbage far into the file is not read before the replay reaches it") {
    {
      std::ofstream out(f.path, std::ios::binary | std::ios::app);
      out << "not a row\n";
    }
    auto a = make_ok(fmt::format("{{type: trace, format: csv, path: {}, function: b}}", f.path));
    CHECK(all_us(*a, 1000).back() == 1'998'000);  // the 1000th row of b, at 2 ms steps
  }
}
