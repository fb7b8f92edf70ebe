// Random streams: one per (component, purpose), derived from (seed, replication, name), so adding
// a function or a workload never shifts another one's draws. Distributions are the project's own:
// std::*_distribution differ between standard libraries and would break reproducibility.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>

namespace lsim {

/// The standard normal quantile at 0.99 (of what RngStream::normal() draws): a lognormal's 99th
/// percentile is exp(mu + kNormalZ99 · sigma).
inline constexpr double kNormalZ99 = 2.3263478740408408;

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

class RngStream {
 public:
  /// The stream called `name` (e.g. "fn/api/duration") of replication `replication` under `seed`.
  static RngStream derive(std::uint64_t seed, std::uint64_t replication, std::string_view name) {
    return RngStream(splitmix64(splitmix64(seed) ^ splitmix64(replication + 0x5851F42D4C957F2DULL) ^
                                fnv1a64(name)));
  }

  /// Uniform in [0, 1) with 53 random bits; identical on every standard library.
  double uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// Uniform in (0, 1]: safe under log().
  double uniform_open0() { return 1.0 - uniform01(); }
  /// Uniform integer in [0, n) for n >= 1 (Lemire's multiply-shift; bias below 2^-64 * n).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using U128 = unsigned __int128;  // __extension__: keeps -Wpedantic quiet
    return static_cast<std::uint64_t>((static_cast<U128>(engine_()) * n) >> 64);
  }
  /// Exponential with the given rate (> 0), by inversion.
  double exponential(double rate) { return -std::log(uniform_open0()) / rate; }
  /// Standard normal by Marsaglia's polar method; caches the second value.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2.0 * uniform01() - 1.0;
      v = 2.0 * uniform01() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }
  std::uint64_t next_u64() { return engine_(); }

 private:
  explicit RngStream(std::uint64_t s) : engine_(s) {}
  std::mt19937_64 engine_;  // its output sequence is fixed by the C++ standard
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace lsim
