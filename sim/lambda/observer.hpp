// What a platform observer sees: one StepEvent per step of an invocation's or an environment's
// life, in simulated-time order. For narration (`lambdasim trace`) and the environment timeline;
// a run without an observer pays one predictable branch per step.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/lambda/instance.hpp"

namespace lsim {

struct StepEvent {
  enum class Kind : std::uint8_t {
    Arrive,    ///< an invocation arrives (routed to `unit`, through `alias`)
    Throttle,  ///< a synchronous invocation is refused; `reason`: "concurrency" or "scaling"
    Start,     ///< an execution starts on `environment` (cold: INIT `init` first)
    Finish,    ///< the execution ends with `outcome`
    Idle,      ///< `environment` idles, kept until `until`
    Evict,     ///< `environment` is reclaimed; `reason`: idle, lifetime, reset, scale-in
    Requeue,   ///< an async event goes back to the queue until `until`; `reason`
    Drop,      ///< an async event is dropped; `reason`: "age" or "retries"
    PcInit,    ///< a provisioned environment starts INIT (`init`)
    PcReady,   ///< a provisioned environment is ready
  };
  Kind kind = Kind::Arrive;
  Time at{};
  std::uint64_t invocation = 0;   ///< arrival number (1, 2, ...); 0 for environment-only steps
  std::uint32_t unit = 0;         ///< the version (index over all functions' versions)
  std::uint32_t alias = kNone;    ///< the alias (index over all functions' aliases), or kNone
  std::uint64_t environment = 0;  ///< environment serial (e1, e2, ...); 0 when none
  bool async = false;
  bool cold = false;
  bool provisioned = false;
  Duration init{0};
  Duration exec{0};
  Outcome outcome = Outcome::Ok;
  Time until{};
  int attempt = 0;  ///< async: retries so far
  // Arrive, for an event source mapping's batch: its records (0: not a batch), the lane (SQS
  // queue or stream shard slot, numbered within the mapping) and its first record's sequence
  // number in that lane.
  std::uint32_t records = 0;
  std::uint32_t lane = 0;
  std::uint64_t first_record = 0;
  const char* reason = "";
};

class PlatformObserver {
 public:
  virtual ~PlatformObserver() = default;
  virtual void on_step(const StepEvent& e) = 0;
};

/// Passes every step to several observers, in the order they were added.
class ObserverList final : public PlatformObserver {
 public:
  void add(PlatformObserver* o) {
    if (o != nullptr) list_.push_back(o);
  }
  [[nodiscard]] bool empty() const { return list_.empty(); }
  void on_step(const StepEvent& e) override {
    for (PlatformObserver* o : list_) o->on_step(e);
  }

 private:
  std::vector<PlatformObserver*> list_;
};

}  // namespace lsim
