// Invariant checks that stay on in every build. A failed check is a bug in lambdasim, never a
// user error: it throws InternalError (testable with Catch2), and main exits with code 1.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace lsim {

class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace lsim

// The failure path is a cold, never-inlined lambda, so a check costs one compare and branch on
// the hot path and does not stop the enclosing function from being inlined.
#define LSIM_CHECK(cond, ...)                                                              \
  do {                                                                                     \
    if (!(cond)) [[unlikely]]                                                              \
      [&]() __attribute__((cold, noinline, noreturn)) {                                    \
        throw ::lsim::InternalError(fmt::format("{}:{}: internal check '{}' failed: {}",   \
                                                __FILE__, __LINE__, #cond,                 \
                                                fmt::format(__VA_ARGS__)));                \
      }();                                                                                 \
  } while (false)
