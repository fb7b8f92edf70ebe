// One registry per model kind, filled explicitly by models/register_builtin.cpp (or by tests).
#pragma once

#include "sim/core/registry.hpp"
#include "sim/lambda/policies.hpp"

namespace lsim {

struct Registries {
  Registry<ArrivalProcess> arrivals{"arrival process"};
  Registry<DurationDistribution> duration{"duration model"};
  Registry<DurationDistribution> cold_start{"cold-start model"};
  Registry<KeepAlivePolicy> keep_alive{"keep-alive model"};
  Registry<ReusePolicy> reuse{"reuse model"};
  Registry<ScalingPolicy> scaling{"scaling model"};
};

}  // namespace lsim
