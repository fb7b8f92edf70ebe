// A scenario as plain data, after loading and validation. Models are kept as their located
// configuration (ConfigNode) and are built per run from the registries, with the run's streams.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/scenario/config_node.hpp"
#include "sim/stats/pricing.hpp"

namespace lsim {

/// A model's configuration: a mapping with `type:` (or a bare type name) and its parameters.
struct ModelSpec {
  ConfigNode node;
  std::string path;  ///< key path, e.g. functions[0].duration
};

/// How the duration (and optionally INIT) models, given at a reference memory size, scale to the
/// function's memory: see sim/lambda/cpu_share.hpp.
struct MemoryScaling {
  int reference_mb = 0;     ///< 0: no scaling (the models describe the configured memory)
  double cpu_bound = 1.0;   ///< fraction of the time that is CPU work
  double threads = 1.0;     ///< vCPUs the code can use
  double exponent = 1.0;    ///< k of (s_ref/s)^k; 1 = proportional CPU share (lambda-facts §2)
  bool cold_start = false;  ///< scale INIT times the same way
};

/// Asynchronous invocation settings (lambda-facts §4: MaximumRetryAttempts 0–2, default 2;
/// MaximumEventAgeInSeconds 60 s – 6 h, default 6 h).
struct AsyncSpec {
  int max_retries = 2;
  Duration max_event_age = std::chrono::hours(6);
};

/// SnapStart: a restore from a snapshot replaces INIT (lambda-facts §1, §8).
struct SnapStartSpec {
  bool enabled = false;
  ModelSpec restore;            ///< Restore Duration: what the caller waits instead of INIT
  double billed_fraction = 1.0;  ///< part of it that is Billed Restore Duration
};

/// An extra on the first execution in each environment (JIT warm-up), measured at
/// reference_mb and scaled by CPU share (lambda-facts §8).
struct FirstInvocationSpec {
  bool enabled = false;
  ModelSpec extra;
  int reference_mb = 0;
};

/// Everything a version may override. The function's own settings are its $LATEST.
struct FunctionSettings {
  std::string runtime = "python3.12";
  Architecture architecture = Architecture::X86_64;
  PackageType package_type = PackageType::Zip;
  int memory_mb = 128;     ///< AWS's default
  int ephemeral_mb = 512;  ///< AWS's default (and the part that is free)
  Duration timeout = std::chrono::seconds(3);  ///< AWS's default
  double error_probability = 0;  ///< handled errors: the environment is kept
  double crash_probability = 0;  ///< unhandled errors: the environment is reset
  MemoryScaling memory_scaling;
  ModelSpec duration;
  ModelSpec cold_start;
  ModelSpec keep_alive;
  ModelSpec reuse;
  AsyncSpec async;
  SnapStartSpec snapstart;
  FirstInvocationSpec first_invocation;
};

/// A step of a provisioned-concurrency schedule (Application Auto Scaling scheduled action): at
/// `at` (every day at that time of day when `daily`), set the concurrency, or min and max.
struct ProvisionedStep {
  Duration at{0};
  bool daily = false;
  int concurrency = -1;  ///< type schedule
  int min = -1, max = -1;  ///< type target_tracking
};

/// Provisioned concurrency of a version (lambda-facts §5).
struct ProvisionedSpec {
  enum class Kind : std::uint8_t { None, Static, Schedule, TargetTracking };
  Kind kind = Kind::None;
  int concurrency = 0;          ///< static: the configured concurrency
  bool ready_at_start = false;  ///< allocated and initialised before the run starts
  /// "Lambda starts allocating provisioned concurrency after a minute or two of preparation";
  /// then environments start INIT at `allocation_rate` after an initial `allocation_burst`
  /// (2022 documentation: 3,000 at once, then 500 per minute; the current rate is [unverified]).
  Duration preparation = std::chrono::seconds(90);
  int allocation_burst = 3000;
  double allocation_rate_per_s = 500.0 / 60.0;
  std::vector<ProvisionedStep> steps;  ///< schedule, or target tracking's min/max over time
  double target = 0.7;                 ///< target tracking: utilisation to hold
  int min = 0, max = 0;                ///< target tracking bounds
  SourceLoc loc;
};

/// A published version (or $LATEST): its settings and its own execution environments.
struct VersionSpec : FunctionSettings {
  std::string name;  ///< "1", "2", ... or "$LATEST"
  SourceLoc loc;
  ProvisionedSpec provisioned;
};

/// An alias: one version, or two with weights (lambda-facts §6: at most two).
struct AliasSpec {
  std::string name;
  SourceLoc loc;
  std::vector<std::pair<std::size_t, double>> routes;  ///< (index into versions, weight)
};

struct FunctionSpec : FunctionSettings {
  std::string name;
  SourceLoc loc;
  std::optional<int> reserved_concurrency;
  ModelSpec scaling;  ///< per function (or account-wide, for legacy_burst)
  /// The versions that run: the declared ones, and $LATEST when a workload invokes the function
  /// unqualified. A function that declares none has exactly one: $LATEST.
  std::vector<VersionSpec> versions;
  std::vector<AliasSpec> aliases;
  bool declares_versions = false;  ///< report per version and per alias
};

enum class InvocationType : std::uint8_t { Sync, Async };

/// What triggers a workload's invocations (the event source; see models of issue 7).
struct SourceSpec {
  enum class Kind : std::uint8_t {
    Direct, FunctionUrl, ApiGateway, S3, Sns, EventBridge, Schedule, Sqs, Kinesis, DynamodbStream
  };
  Kind kind = Kind::Direct;
  /// An event source mapping (sqs, kinesis, dynamodb_stream): the workload's arrivals are
  /// records (messages) and the mapping invokes the function with batches of them.
  [[nodiscard]] bool is_mapping() const {
    return kind == Kind::Sqs || kind == Kind::Kinesis || kind == Kind::DynamodbStream;
  }
  [[nodiscard]] bool is_stream() const {
    return kind == Kind::Kinesis || kind == Kind::DynamodbStream;
  }
  // Event source mappings (models/… see sim/lambda/event_sources.cpp for the sources).
  std::uint32_t batch_size = 10;    ///< records per batch at most (SQS 10, streams 100)
  Duration batching_window{0};      ///< MaximumBatchingWindowInSeconds
  ModelSpec record_duration;        ///< time the function spends per record (empty: none)
  // SQS.
  Duration visibility_timeout = std::chrono::seconds(30);
  SourceLoc visibility_loc;  ///< where visibility_timeout was written (or the source), for messages
  std::uint32_t max_receive_count = 0;  ///< redrive policy; 0: no dead-letter queue
  std::uint32_t max_concurrency = 0;    ///< ScalingConfig.MaximumConcurrency; 0: not set
  std::uint32_t max_pollers = 1000;     ///< concurrent batches a mapping reaches at most
  std::uint32_t initial_pollers = 5;
  double poller_growth_per_minute = 300;
  Duration retention = std::chrono::hours(96);  ///< SQS 4 days; streams 24 h
  // Kinesis and DynamoDB streams.
  std::uint32_t shards = 1;
  std::uint32_t parallelization_factor = 1;
  std::int64_t max_retries = -1;        ///< MaximumRetryAttempts; -1: until the records expire
  std::optional<Duration> max_record_age;  ///< MaximumRecordAgeInSeconds; empty: infinite
  Duration poll_interval = std::chrono::seconds(1);  ///< streams: Kinesis 1 s, DynamoDB 250 ms
  /// API Gateway: the caller gets 504 when the integration takes longer; the function runs on
  /// and is billed (REST APIs: 29 s by default; HTTP APIs: 30 s at most).
  Duration integration_timeout = std::chrono::seconds(29);
  ModelSpec overhead;  ///< API Gateway: latency it adds to every request (empty: none)
};

struct WorkloadSpec {
  std::size_t function = 0;  ///< index into ScenarioSpec::functions
  std::string function_name;
  std::string target;  ///< as written: fn, fn:alias or fn:version
  /// Exactly one of these is set: an index into the function's versions or aliases.
  std::optional<std::size_t> version;
  std::optional<std::size_t> alias;
  InvocationType invocation = InvocationType::Sync;
  std::string name;  ///< for per-source statistics (default: target#index)
  bool named = false;  ///< `name`, `source` or `warmer` was written: report it as a source
  SourceSpec source;
  /// A warmer's pings: billed and keeping environments warm, but reported as their own source.
  bool warmer = false;
  std::size_t ordinal = 0;  ///< k-th workload of that function (names its random stream)
  ModelSpec arrivals;
  SourceLoc loc;
};

struct PricingSpec {
  std::string region = "us-east-1";
  std::optional<Date> date;  ///< billing date; defaults to the price table's effective date
  bool free_tier = false;
  std::string table_path;  ///< empty: the built-in table
  SourceLoc region_loc;    ///< where pricing.region was written (or the scenario), for messages
  SourceLoc table_loc;     ///< where pricing.table was written
};

/// A sweep declared in the scenario (`sweep:`). `run` ignores it; `lambdasim sweep` expands it
/// (sim/sweep/sweep.hpp) and applies each value as a --set override, which validates it.
struct SweepSpec {
  struct Axis {
    std::string key;                 ///< a --set key path, e.g. functions.api.memory
    std::vector<ConfigNode> values;  ///< the list's items, or one scalar (a value or start:stop:step)
    SourceLoc loc;
  };
  std::vector<Axis> axes;
  std::optional<int> replications;
  [[nodiscard]] bool empty() const { return axes.empty() && !replications; }
};

struct ScenarioSpec {
  std::string name;
  std::string file;  ///< where it was loaded from (for messages and relative paths)
  std::uint64_t seed = 1;
  Duration duration{0};  ///< simulated horizon: no arrival at or after it
  Duration warmup{0};    ///< invocations arriving earlier are simulated but not counted
  int account_concurrency = 1000;  ///< lambda-facts §2–3: 1,000 per region by default
  /// On-demand INIT longer than this is cut and re-run inside the first invocation, where the
  /// function timeout bounds it ("suppressed init"; lambda-facts §2: 10 s).
  Duration init_limit = std::chrono::seconds(10);
  PricingSpec pricing;
  std::vector<FunctionSpec> functions;
  std::vector<WorkloadSpec> workloads;
  SweepSpec sweep;
};

}  // namespace lsim
