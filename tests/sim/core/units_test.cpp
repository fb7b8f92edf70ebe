// Parsing of quantities with units: durations, memory, rates.
#include <catch2/catch.hpp>

#include "sim/core/units.hpp"

using namespace lsim;

TEST_CASE("durations parse with every unit and round to the microsecond", "[units]") {
  CHECK(parse_duration("120ms").value == Duration{120'000});
  CHECK(parse_duration("1.5s").value == Duration{1'500'000});
  CHECK(parse_duration("10m").value == Duration{600'000'000});
  CHECK(parse_duration("10min").value == Duration{600'000'000});
  CHECK(parse_duration("2h").value == Duration{7'200'000'000});
  CHECK(parse_duration("1d").value == Duration{86'400'000'000});
  CHECK(parse_duration("250us").value == Duration{250});
  CHECK(parse_duration("0.0004ms").value == Duration{0});  // 0.4 µs rounds to 0
  CHECK(parse_duration("0.0006ms").value == Duration{1});
  CHECK(parse_duration("0").value == Duration{0});
  CHECK(parse_duration(" 5s ").value == Duration{5'000'000});
}

TEST_CASE("bad durations are errors that say what is wrong", "[units]") {
  CHECK(parse_duration("120").error == "'120' has no unit (write e.g. 120ms or 120s)");
  CHECK(parse_duration("5 parsecs").error ==
        "unknown duration unit 'parsecs' in '5 parsecs' (known: us, ms, s, m, min, h, d)");
  CHECK(parse_duration("-1s").error == "'-1s' is negative; a duration must be >= 0");
  CHECK(parse_duration("fast").error ==
        "'fast' is not a duration (write e.g. 120ms, 1.5s, 10m, 2h)");
  CHECK(parse_duration("1e300s").error == "'1e300s' is too long (at most 1e9 s)");
  CHECK_FALSE(parse_duration("").value);
  CHECK_FALSE(parse_duration("nan s").value);
}

TEST_CASE("memory parses in MB and GB and must be whole megabytes", "[units]") {
  CHECK(parse_memory_mb("512MB").value == 512);
  CHECK(parse_memory_mb("1GB").value == 1024);
  CHECK(parse_memory_mb("1.5GB").value == 1536);
  CHECK(parse_memory_mb("256").value == 256);
  CHECK(parse_memory_mb("512.5MB").error == "'512.5MB' is not a whole number of MB");
  CHECK(parse_memory_mb("1TB").error == "unknown memory unit 'TB' in '1TB' (known: MB, GB)");
}

TEST_CASE("rates parse per second, minute, hour and day", "[units]") {
  CHECK(parse_rate_per_s("20/s").value == 20.0);
  CHECK(parse_rate_per_s("120/m").value == 2.0);
  CHECK(parse_rate_per_s("3600/h").value == 1.0);
  CHECK(parse_rate_per_s("0").value == 0.0);
  CHECK(parse_rate_per_s("20").error == "'20' has no unit (write e.g. 20/s)");
  CHECK(parse_rate_per_s("-3/s").error == "'-3/s' is negative; a rate must be >= 0");
}

TEST_CASE("durations format for people", "[units]") {
  CHECK(format_duration(Duration{850}) == "850us");
  CHECK(format_duration(Duration{120'000}) == "120ms");
  CHECK(format_duration(Duration{1'500'000}) == "1.5s");
  CHECK(format_duration(Duration{600'000'000}) == "10m");
  CHECK(format_duration(Duration{7'200'000'000}) == "2h");
}
