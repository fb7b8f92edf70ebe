// Teaching outputs built from a run's steps (PlatformObserver): a narrated trace, one line per
// invocation in plain words, or the same steps as JSON lines for tools; and a Gantt chart of the
// execution environments as a self-contained SVG.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/lambda/observer.hpp"
#include "sim/scenario/spec.hpp"

namespace lsim {

/// Names of the platform's units (versions) and aliases, as the user writes them: `api`,
/// `api:2`, `api:live`. Built from the spec in the platform's order.
struct StepNames {
  explicit StepNames(const ScenarioSpec& spec);
  std::vector<std::string> unit;      ///< fn, or fn:version when the function declares versions
  std::vector<std::string> function;  ///< the function of each unit
  std::vector<std::string> alias;     ///< fn:alias
};

struct TraceOptions {
  std::uint64_t limit = 50;  ///< invocations narrated (0: all — mind the output size)
  std::string function;      ///< only this function's invocations (empty: all)
  bool jsonl = false;        ///< JSON lines instead of sentences
};

/// Narrates the first `limit` invocations. Sentences are kept until the run ends and printed in
/// time order by text(); JSON lines are in step order.
class TraceNarrator final : public PlatformObserver {
 public:
  TraceNarrator(const ScenarioSpec& spec, TraceOptions options);
  void on_step(const StepEvent& e) override;
  /// The narration (or JSON lines), ending with a newline.
  [[nodiscard]] std::string text() const;

 private:
  struct Line {
    Time at;
    std::uint64_t order;
    std::string text;
  };
  bool wanted(const StepEvent& e);
  void add_line(Time at, std::string text);
  std::string& open_line(std::uint64_t invocation);
  void json_line(const StepEvent& e);

  StepNames names_;
  TraceOptions options_;
  std::uint64_t narrated_ = 0;
  std::set<std::uint64_t> invocations_;           ///< narrated invocation numbers
  std::set<std::uint64_t> environments_;          ///< environments they used
  std::map<std::uint64_t, std::size_t> open_;     ///< invocation → its line
  std::map<std::uint64_t, std::uint64_t> last_;   ///< environment → invocation it last ran
  std::vector<Line> lines_;
  std::string jsonl_;
};

struct TimelineOptions {
  std::size_t max_environments = 200;  ///< lanes drawn (the first environments created)
  std::string function;                ///< only this function's environments (empty: all)
};

/// Collects each environment's INIT, busy and idle intervals and draws them as SVG.
class TimelineRecorder final : public PlatformObserver {
 public:
  TimelineRecorder(const ScenarioSpec& spec, TimelineOptions options);
  void on_step(const StepEvent& e) override;
  /// A self-contained SVG document (no scripts, no external fonts), `end` = right edge.
  [[nodiscard]] std::string svg(const std::string& title, Time end) const;

 private:
  enum class Piece : std::uint8_t { Init, Busy, Idle };
  struct Interval {
    std::int64_t from, to;
    Piece piece;
  };
  struct Lane {
    std::uint64_t serial = 0;
    std::string label;
    bool provisioned = false;
    std::vector<Interval> intervals;
    std::vector<std::int64_t> cold_starts;
    std::vector<std::int64_t> invocations;
    std::int64_t idle_from = -1;
    std::int64_t evicted = -1;
    std::string evict_reason;
  };
  Lane* lane(const StepEvent& e);

  StepNames names_;
  TimelineOptions options_;
  std::vector<Lane> lanes_;
  std::map<std::uint64_t, std::size_t> index_;
  std::size_t pieces_ = 0;  ///< bounded, so a long run cannot exhaust memory
};

}  // namespace lsim
