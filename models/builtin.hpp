// Registration functions of the built-in models, one per model file; register_builtin_models()
// calls them all. Adding a model = one file + one line here + one line in register_builtin.cpp.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "sim/core/registry.hpp"
#include "sim/lambda/instance.hpp"
#include "sim/lambda/policies.hpp"
#include "sim/lambda/registries.hpp"

namespace lsim::models {

void register_poisson_arrivals(Registry<ArrivalProcess>& r);
void register_constant_arrivals(Registry<ArrivalProcess>& r);
void register_on_off_arrivals(Registry<ArrivalProcess>& r);
void register_diurnal_arrivals(Registry<ArrivalProcess>& r);
void register_mmpp_arrivals(Registry<ArrivalProcess>& r);
void register_schedule_arrivals(Registry<ArrivalProcess>& r);
/// Registers both `piecewise` (step profile) and `ramp` (linear profile).
void register_piecewise_arrivals(Registry<ArrivalProcess>& r);
/// `trace`: replays a csv, Azure 2019 or Azure 2021 trace file, streamed from disk.
void register_trace_arrivals(Registry<ArrivalProcess>& r);

// Distributions serve both `duration:` and `cold_start:`.
void register_constant_distribution(Registry<DurationDistribution>& r);
void register_exponential_distribution(Registry<DurationDistribution>& r);
void register_uniform_distribution(Registry<DurationDistribution>& r);
void register_lognormal_distribution(Registry<DurationDistribution>& r);
void register_empirical_distribution(Registry<DurationDistribution>& r);

/// Cold-start presets by runtime (cold_start only).
void register_runtime_cold_start(Registry<DurationDistribution>& r);
double runtime_cold_start_ms(const std::string& runtime, bool arm64);

void register_fixed_keep_alive(Registry<KeepAlivePolicy>& r);
void register_hybrid_histogram_keep_alive(Registry<KeepAlivePolicy>& r);
/// Registers aws_2017, aws_2019, aws_2021, azure, huawei, never and none.
void register_keep_alive_presets(Registry<KeepAlivePolicy>& r);

void register_reuse_policies(Registry<ReusePolicy>& r);

void register_scaling_policies(Registry<ScalingPolicy>& r);

}  // namespace lsim::models

namespace lsim {
/// Fills every registry with the built-in models.
void register_builtin_models(Registries& registries);
}  // namespace lsim
