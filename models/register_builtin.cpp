// The one place that lists the built-in models. Explicit calls, no static constructors: a static
// library would silently drop self-registering objects.
#include "models/builtin.hpp"

namespace lsim {

void register_builtin_models(Registries& r) {
  using namespace lsim::models;
  register_poisson_arrivals(r.arrivals);
  register_constant_arrivals(r.arrivals);
  register_on_off_arrivals(r.arrivals);
  register_diurnal_arrivals(r.arrivals);
  register_mmpp_arrivals(r.arrivals);
  register_schedule_arrivals(r.arrivals);
  register_piecewise_arrivals(r.arrivals);
  register_trace_arrivals(r.arrivals);
  for (Registry<DurationDistribution>* d : {&r.duration, &r.cold_start}) {
    register_constant_distribution(*d);
    register_exponential_distribution(*d);
    register_uniform_distribution(*d);
    register_lognormal_distribution(*d);
    register_empirical_distribution(*d);
  }
  register_runtime_cold_start(r.cold_start);
  register_fixed_keep_alive(r.keep_alive);
  register_hybrid_histogram_keep_alive(r.keep_alive);
  register_keep_alive_presets(r.keep_alive);
  register_reuse_policies(r.reuse);
  register_scaling_policies(r.scaling);
}

}  // namespace lsim
