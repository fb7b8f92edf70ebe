// The results of a run as plain numbers: what every writer (table, JSON, CSV) prints. Built once
// at the end of a run from the platform's collectors and the cost arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/stats/collector.hpp"
#include "sim/stats/cost.hpp"

namespace lsim {

/// Latency of one group of invocations, in milliseconds. Percentiles are nearest-rank, exact for
/// up to 65,536 invocations per function and within 0.1 % beyond (LatencyHistogram).
struct LatencySummary {
  std::uint64_t count = 0;
  double mean = 0, stddev = 0;
  double p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
};

/// Asynchronous invocations of a group (lambda-facts §4).
struct AsyncSummary {
  std::uint64_t arrived = 0;
  std::uint64_t throttle_retries = 0;
  std::uint64_t dropped_age = 0;
  std::uint64_t dropped_retries = 0;
  std::int64_t queue_max = 0;
  double queue_mean = 0;
  LatencySummary age_at_start;       ///< ms from arrival to the start of each execution
  LatencySummary age_at_completion;  ///< ms from arrival to success
};

/// Provisioned concurrency of a group (lambda-facts §5).
struct ProvisionedSummary {
  bool enabled = false;
  double mean_configured = 0;  ///< time-weighted configured concurrency (what is billed)
  double mean_allocated = 0;   ///< time-weighted initialised provisioned environments
  std::int64_t max_allocated = 0;
  double mean_in_use = 0;
  double utilization = 0;  ///< mean in use / mean allocated
  std::uint64_t inits = 0, recycled = 0, scale_out = 0, scale_in = 0;
  double spillover_ratio = 0;  ///< spillover / executions started
  /// Utilisation above which PC is cheaper than on-demand for the same work: PC capacity price
  /// / (on-demand tier-1 duration price − PC duration price), ≈ 0.60 (lambda-facts §1).
  double break_even_utilization = 0;
};

struct NamedGroup;

/// Statistics of a function, a version, an alias or the whole scenario.
struct GroupSummary {
  InvocationCounts invocations;
  double cold_start_ratio = 0;  ///< cold starts / invocations that started executing
  LatencySummary all, cold, warm;
  double concurrency_mean = 0;  ///< time-weighted over the measured window
  std::int64_t concurrency_max = 0;
  EnvironmentCounts environments;
  std::int64_t environments_peak = 0;
  double environments_mean_live = 0;
  double environments_mean_idle = 0;
  double idle_environment_seconds = 0;
  CostBreakdown cost;          ///< the measured window
  CostBreakdown cost_monthly;  ///< projected to a 730-hour month at the same traffic
  AsyncSummary async;
  ProvisionedSummary provisioned;
  std::int64_t scaling_tokens_min = -1;  ///< -1: no new environment needed a token
  /// Functions that declare versions: one group per version and per alias. An alias owns no
  /// environments (its environment figures stay 0; writers leave them out); its bill is its
  /// share of its versions' bills.
  std::vector<NamedGroup> versions;
  std::vector<NamedGroup> aliases;
};

struct NamedGroup {
  std::string name;
  GroupSummary group;
};

/// An event source mapping's records (see MappingCollector).
struct MappingSummary {
  bool stream = false;
  std::uint64_t arrived = 0, processed = 0, dead_lettered = 0, expired = 0, in_flight = 0;
  std::uint64_t batches = 0, failed_batches = 0;
  double batch_size_mean = 0;
  std::int64_t max_backlog = 0;
  double backlog_mean = 0;
  std::int64_t pollers_max = 0;  ///< SQS
  LatencySummary record_age;     ///< ms, arrival to successful processing
  LatencySummary iterator_age;   ///< ms, streams
  double series_interval_s = 0;
  std::vector<std::int64_t> series_backlog;
  std::vector<double> series_age_ms;
};

/// A workload seen as an event source: what its callers see, and its share of the bill.
struct SourceSummary {
  std::string name;
  std::string target;  ///< fn, fn:alias or fn:version
  std::string type;    ///< direct, function_url, api_gateway, s3, sns, eventbridge
  bool warmer = false;
  std::uint64_t gateway_timeouts = 0;  ///< API Gateway: 504s (integration timeout exceeded)
  std::optional<MappingSummary> mapping;  ///< sqs, kinesis, dynamodb_stream
  GroupSummary group;  ///< no environments (they belong to versions)
};

struct Summary {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  double simulated_seconds = 0;  ///< the horizon
  double measured_seconds = 0;   ///< horizon minus warm-up
  std::string region;
  std::string billing_date;
  std::string price_table_date;
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
  GroupSummary total;
  std::vector<std::pair<std::string, GroupSummary>> functions;
  std::vector<SourceSummary> sources;  ///< when the scenario names sources or has several
};

/// Percentiles and moments of a histogram (taken by value: quantiles may sort its exact part).
LatencySummary summarize_latency(LatencyHistogram histogram, const RunningStats& ms);

}  // namespace lsim
