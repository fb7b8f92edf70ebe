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

namespace {
// Random push, cancel and pop against a naive sorted reference. With lanes, pushes go to a lane
// half of the time, mostly with that lane's fixed delay (in order, so they stay in the lane) and
// sometimes with a random one (out of order: the heap takes them).
template <std::size_t Lanes>
void shadow_test() {
  struct Ref {
    std::int64_t t;
    std::uint8_t phase;
    std::uint64_t seq;
    int value;
    bool cancelled;
  };
  std::mt19937_64 rng(12345);
  EventQueue<int, Lanes> q;
  std::vector<Ref> ref;
  std::vector<std::pair<lsim::EventId, std::size_t>> pending;  // id, index into ref
  std::uint64_t seq = 0;
  int next_value = 0;
  std::int64_t now = 0;
  for (int step = 0; step < 200000; ++step) {
    const auto r = rng() % 10;
    if (r < 5) {
      // Times never before `now` (a simulation never schedules into the past); many ties.
      std::int64_t t = now + static_cast<std::int64_t>(rng() % 50);
      auto phase = static_cast<std::uint8_t>(rng() % 4);
      lsim::EventId id{};
      bool pushed = false;
      if constexpr (Lanes > 0) {
        if (rng() % 2 == 0) {
          const std::size_t lane = rng() % Lanes;
          if (rng() % 8 != 0) {
            t = now + 10 + 7 * static_cast<std::int64_t>(lane);  // the lane's fixed delay
            phase = static_cast<std::uint8_t>(lane % 4);
          }
          id = q.push_in_lane(lane, at(t), phase, next_value);
          pushed = true;
        }
      }
      if (!pushed) id = q.push(at(t), phase, next_value);
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
}  // namespace

TEST_CASE("the queue matches a sorted reference under random push, cancel and pop", "[queue]") {
  shadow_test<0>();
}

TEST_CASE("with FIFO lanes the queue still matches the sorted reference", "[queue]") {
  shadow_test<1>();
  shadow_test<3>();
}

TEST_CASE("events in a lane and in the heap fire in one (time, phase, push) order", "[queue]") {
  EventQueue<int, 2> q;
  q.push_in_lane(0, at(5), 0, 1);
  q.push(at(5), 0, 2);
  q.push_in_lane(1, at(5), 0, 3);
  q.push_in_lane(0, at(4), 1, 4);  // before the lane's last: goes to the heap
  q.push_in_lane(0, at(5), 0, 5);
  q.push_in_lane(1, at(3), 2, 6);  // heap
  q.push(at(5), 1, 7);
  q.push_in_lane(1, at(9), 0, 8);
  CHECK(q.size() == 8);
  std::vector<int> order;
  while (auto d = q.pop()) order.push_back(d->event);
  CHECK(order == std::vector<int>{6, 4, 1, 2, 3, 5, 7, 8});
  CHECK(q.empty());
}
