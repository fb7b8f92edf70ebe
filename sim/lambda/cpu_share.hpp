// Memory → CPU: Lambda allocates CPU in proportion to memory, one vCPU at 1,769 MB, at most 6
// vCPUs at 10,240 MB (Lambda developer guide "Configure Lambda function memory"; re:Invent 2020;
// lambda-facts §2). A duration measured at one memory size scales to another by an Amdahl-style
// rule: the CPU-bound fraction runs at the speed of min(CPU share, threads the code can use);
// the rest (waiting on I/O) does not change. An optional exponent k bends the CPU-bound part's
// curve, (s_ref/s)^k: k = 1 (the default) is the documented proportional CPU share; real
// functions measured at 16 sizes (tests/data/real_memory: SDK-heavy .NET, Node.js and Python
// functions) slow down faster than that below one vCPU (fitted k 1.4–2.7), which only a fitted
// k reproduces — an empirical parameter of the function, not a platform fact.
#pragma once

#include <algorithm>
#include <cmath>

namespace lsim {

/// Memory a function may have: 128 MB to 10,240 MB (lambda-facts §2).
inline constexpr int kMinMemoryMb = 128, kMaxMemoryMb = 10'240;
inline constexpr double kMbPerVcpu = 1769.0;
inline constexpr double kMaxVcpus = 6.0;
/// The range a memory_scaling exponent may take (and calibrate fits it in).
inline constexpr double kMinScalingExponent = 0.25, kMaxScalingExponent = 4.0;

/// vCPUs available at `memory_mb`.
inline double cpu_share(double memory_mb) { return std::min(memory_mb / kMbPerVcpu, kMaxVcpus); }

/// Factor by which a duration measured at `reference_mb` changes at `memory_mb`, for code whose
/// `cpu_bound` fraction (0..1) of the time is CPU work that can use up to `threads` vCPUs:
/// (1 − cpu_bound) + cpu_bound · (s_ref/s)^exponent with s = min(cpu_share(memory), threads).
inline double duration_scale(double memory_mb, double reference_mb, double cpu_bound,
                             double threads, double exponent = 1.0) {
  const double speed_ref = std::min(cpu_share(reference_mb), threads);
  const double speed = std::min(cpu_share(memory_mb), threads);
  const double slowdown = speed_ref / speed;
  return (1.0 - cpu_bound) +
         cpu_bound * (exponent == 1.0 ? slowdown : std::pow(slowdown, exponent));
}

}  // namespace lsim
