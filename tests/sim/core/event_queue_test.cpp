// EventQueue: total order (time, phase, FIFO), lazy cancellation, and a shadow test against a
// naive sorted reference under random pushes, cancels and pops.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "sim/core/event_queue.hpp"

using lsim::Duration;
using lsim::EventQueue;
using lsim::Time;

namespace {
Time at(std::int64_t us) { return Time{Duration{us}}; }
}  // namespace

TEST_CASE("events fire in time order, then phase order, then push order", "[queue]") {
  EventQueue<int> q;
  q.push(at(5), 2, 1);
  q.push(at(5), 0, 2);
  q.push(at(3), 3, 3);
  q.push(at(5), 2, 4);
  q.push(at(5), 1, 5);
  q.push(at(5), 0, 6);
  std::vector<int> order;
  while (auto d = q.pop()) order.push_back(d->event);
  CHECK(order == std::vector<int>{3, 2, 6, 5, 1, 4});
}

TEST_CASE("a cancelled event is skipped and the queue reports empty when only it remains",
          "[queue]") {
  EventQueue<int> q;
  const auto a = q.push(at(1), 0, 10);
  q.push(at(2), 0, 20);
  q.cancel(a);
  REQUIRE_FALSE(q.empty());
  auto d = q.pop();
  REQUIRE(d);
  CHECK(d->event == 20);
  CHECK(q.empty());
  CHECK_FALSE(q.pop());

  const auto b = q.push(at(7), 1, 30);
  q.cancel(b);
  CHECK(q.empty());
  CHECK_FALSE(q.pop());
}

TEST_CASE("the queue matches a sorted reference under random push, cancel and pop", "[queue]") {
  struct Ref {
    std::int64_t t;
    std::uint8_t phase;
    std::uint64_t seq;
    int value;
    bool cancelled;
  };
  std::mt19937_64 rng(12345);
  EventQueue<int> q;
  std::vector<Ref> ref;
  std::vector<std::pair<lsim::EventId, std::size_t>> pending;  // id, index into ref
  std::uint64_t seq = 0;
  int next_value = 0;
  std::int64_t now = 0;
  for (int step = 0; step < 200000; ++step) {
    const auto r = rng() % 10;
    if (r < 5) {
      // Times never before `now` (a simulation never schedules into the past); many ties.
      const std::int64_t t = now + static_cast<std::int64_t>(rng() % 50);
      const auto phase = static_cast<std::uint8_t>(rng() % 4);
      const auto id = q.push(at(t), phase, next_value);
      ref.push_back({t, phase, seq++, next_value++, false});
      pending.emplace_back(id, ref.size() - 1);
    } else if (r < 6 && !pending.empty()) {
      const std::size_t k = rng() % pending.size();
      q.cancel(pending[k].first);
      ref[pending[k].second].cancelled = true;
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(k));
    } else {
      // The reference's next: the smallest (t, phase, seq) not cancelled and not yet popped.
      auto best = ref.end();
      for (auto it = ref.begin(); it != ref.end(); ++it) {
        if (it->cancelled) continue;
        if (best == ref.end() || std::tie(it->t, it->phase, it->seq) <
                                     std::tie(best->t, best->phase, best->seq))
          best = it;
      }
      auto got = q.pop();
      if (best == ref.end()) {
        REQUIRE_FALSE(got);
        continue;
      }
      REQUIRE(got);
      REQUIRE(got->event == best->value);
      REQUIRE(got->key.at == at(best->t));
      REQUIRE(got->key.phase == best->phase);
      now = best->t;
      const int popped = best->value;
      pending.erase(std::remove_if(pending.begin(), pending.end(),
                                   [&](const auto& p) { return ref[p.second].value == popped; }),
                    pending.end());
      best->cancelled = true;  // consumed
      if (ref.size() > 4096) {  // keep the reference small: drop consumed entries
        std::vector<Ref> kept;
        std::vector<std::size_t> remap(ref.size(), SIZE_MAX);
        for (std::size_t i = 0; i < ref.size(); ++i)
          if (!ref[i].cancelled) {
            remap[i] = kept.size();
            kept.push_back(ref[i]);
          }
        for (auto& p : pending) p.second = remap[p.second];
        ref.swap(kept);
      }
    }
  }
}
