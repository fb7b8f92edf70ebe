// Which idle environment serves an invocation. AWS does not document it; most-recently-used is
// the default because it matches measured behaviour (a few hot environments serve most traffic
// while the rest age out) and it is what keeps the number of live environments small.
//   mru     most recently idled (a stack): O(1)
//   lru     least recently idled (a queue, spreads work over all environments): O(1)
//   random  uniformly among the idle ones: O(idle)
//   newest  most recently created: O(idle)
//
//   reuse: { type: mru }      # or just  reuse: mru
#include "models/builtin.hpp"

namespace lsim::models {
namespace {

class MruReuse final : public ReusePolicy {
 public:
  std::size_t choose(const IdlePool&) override { return 0; }
};

class LruReuse final : public ReusePolicy {
 public:
  std::size_t choose(const IdlePool& pool) override { return pool.size() - 1; }
};

class RandomReuse final : public ReusePolicy {
 public:
  explicit RandomReuse(RngStream rng) : rng_(std::move(rng)) {}
  std::size_t choose(const IdlePool& pool) override {
    return static_cast<std::size_t>(rng_.below(pool.size()));
  }

 private:
  RngStream rng_;
};

class NewestReuse final : public ReusePolicy {
 public:
  std::size_t choose(const IdlePool& pool) override {
    std::size_t best = 0;
    std::uint64_t best_serial = 0;
    pool.for_each([&](std::size_t pos, InstanceSlot s) {
      if (pool.instance(s).serial > best_serial) {
        best_serial = pool.instance(s).serial;
        best = pos;
      }
    });
    return best;
  }
};

template <class Policy>
ModelEntry<ReusePolicy> stateless(std::string type, std::string summary) {
  return {.type = std::move(type),
          .summary = std::move(summary),
          .params = {},
          .make = [](ParamReader&, RngStream) -> std::unique_ptr<ReusePolicy> {
            return std::make_unique<Policy>();
          }};
}

}  // namespace

void register_reuse_policies(Registry<ReusePolicy>& r) {
  r.add(stateless<MruReuse>("mru", "Most recently used idle environment first (default)."));
  r.add(stateless<LruReuse>("lru", "Least recently used idle environment first."));
  r.add({.type = "random",
         .summary = "A uniformly random idle environment.",
         .params = {},
         .make = [](ParamReader&, RngStream rng) -> std::unique_ptr<ReusePolicy> {
           return std::make_unique<RandomReuse>(std::move(rng));
         }});
  r.add(stateless<NewestReuse>("newest", "The most recently created idle environment."));
}

}  // namespace lsim::models
