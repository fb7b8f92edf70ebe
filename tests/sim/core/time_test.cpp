// OptionalTime behaves as std::optional<Time> where the code uses it.
#include <catch2/catch.hpp>

#include <optional>

#include "sim/core/time.hpp"

using namespace lsim;

TEST_CASE("OptionalTime holds a time or none, and converts to and from std::optional", "[time]") {
  const OptionalTime none;
  CHECK_FALSE(none.has_value());
  CHECK_FALSE(static_cast<bool>(OptionalTime(std::nullopt)));
  CHECK(std::optional<Time>(none) == std::nullopt);

  const OptionalTime zero = kTimeZero;  // time 0 is a time, not none
  REQUIRE(zero.has_value());
  CHECK(*zero == kTimeZero);

  const OptionalTime t = Time{Duration{-5}};
  REQUIRE(t);
  CHECK(t->time_since_epoch().count() == -5);
  CHECK(std::optional<Time>(t) == Time{Duration{-5}});
  CHECK(OptionalTime(std::optional<Time>(kTimeMax)).has_value());
  CHECK_FALSE(OptionalTime(std::optional<Time>()).has_value());
  static_assert(sizeof(OptionalTime) == sizeof(Time));
}
