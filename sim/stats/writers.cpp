// Table, JSON and CSV writers, and atomic file output.
#include "sim/stats/writers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <type_traits>
#include <vector>
#include <unistd.h>

#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace lsim {
namespace {

// Numbers print in their shortest round-trip form after rounding to 12 significant digits, which
// hides binary noise (25.600050000000003) without hiding anything a user could need.
std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0) return "0";
  const double r = std::stod(fmt::format("{:.12g}", v));
  return fmt::format("{}", r);
}

class Json {
 public:
  void open(const std::string& key) { field(key), out_ += '{', first_ = true, ++depth_; }
  void close() { --depth_, newline(), out_ += '}', first_ = false; }
  void value(const std::string& key, double v) { field(key), out_ += num(v); }
  void value(const std::string& key, std::uint64_t v) { field(key), out_ += fmt::format("{}", v); }
  void value(const std::string& key, std::int64_t v) { field(key), out_ += fmt::format("{}", v); }
  void value(const std::string& key, const std::string& v) { field(key), out_ += quote(v); }
  void null_value(const std::string& key) { field(key), out_ += "null"; }
  void boolean(const std::string& key, bool v) { field(key), out_ += v ? "true" : "false"; }
  /// A list of numbers on one line.
  template <class T>
  void numbers(const std::string& key, const std::vector<T>& v) {
    field(key);
    out_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i != 0) out_ += ", ";
      if constexpr (std::is_floating_point_v<T>) out_ += num(static_cast<double>(v[i]));
      else out_ += fmt::format("{}", v[i]);
    }
    out_ += ']';
  }
  std::string str() { return out_ + "\n"; }

  static std::string quote(const std::string& s) { return json_quote(s); }

 private:
  void newline() {
    out_ += '\n';
    out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  }
  void field(const std::string& key) {
    if (depth_ == 0 && key.empty()) {  // the document itself
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
    newline();
    out_ += quote(key) + ": ";
  }
  std::string out_;
  bool first_ = true;
  int depth_ = 0;
};

void latency_json(Json& j, const std::string& key, const LatencySummary& l) {
  j.open(key);
  j.value("count", l.count);
  j.value("mean", l.mean);
  j.value("stddev", l.stddev);
  j.value("p50", l.p50);
  j.value("p90", l.p90);
  j.value("p95", l.p95);
  j.value("p99", l.p99);
  j.value("p999", l.p999);
  j.value("max", l.max);
  j.close();
}

// An event source mapping's records: arrived = processed + dead_lettered + expired + in_flight.
void mapping_json(Json& j, const MappingSummary& m) {
  j.value("arrived", m.arrived);
  j.value("processed", m.processed);
  j.value("dead_lettered", m.dead_lettered);
  j.value("expired", m.expired);
  j.value("in_flight", m.in_flight);
  j.value("batches", m.batches);
  j.value("failed_batches", m.failed_batches);
  j.value("batch_size_mean", m.batch_size_mean);
  j.value("max_backlog", m.max_backlog);
  j.value("backlog_mean", m.backlog_mean);
  if (!m.stream) j.value("pollers_max", m.pollers_max);
  latency_json(j, "record_age_ms", m.record_age);
  if (m.stream) latency_json(j, "iterator_age_ms", m.iterator_age);
  j.open("over_time");
  j.value("interval_s", m.series_interval_s);
  j.numbers("backlog_max", m.series_backlog);
  j.numbers(m.stream ? "iterator_age_max_ms" : "oldest_message_age_max_ms", m.series_age_ms);
  j.close();
}

void cost_fields(Json& j, const CostBreakdown& c) {
  j.value("total", c.total());
  j.value("requests", c.requests);
  j.value("duration", c.duration);
  j.value("init", c.init);
  j.value("ephemeral_storage", c.ephemeral_storage);
  j.value("restore", c.restore);
  j.value("snapstart_cache", c.snapstart_cache);
  j.value("snapstart_restore", c.snapstart_restore);
  j.value("provisioned_capacity", c.provisioned_capacity);
  j.value("provisioned_duration", c.provisioned_duration);
}

// The window's bill by line item, with the monthly projection nested in the same shape.
void cost_json(Json& j, const std::string& key, const CostBreakdown& c,
               const CostBreakdown& monthly) {
  j.open(key);
  cost_fields(j, c);
  j.open("monthly");
  cost_fields(j, monthly);
  j.close();
  j.close();
}

void group_json(Json& j, const GroupSummary& g, bool environments = true) {
  const auto& n = g.invocations;
  j.open("invocations");
  j.value("arrived", n.arrived);
  j.value("started", n.started);
  j.value("completed", n.completed);
  j.value("cold", n.cold);
  j.value("warm", n.warm);
  j.value("throttled", n.throttled);
  j.value("throttled_scaling", n.throttled_scaling);
  j.value("timed_out", n.timed_out);
  j.value("failed", n.failed);
  j.value("init_suppressed", n.init_suppressed);
  j.value("retried", n.retried);
  j.value("dropped", n.dropped);
  j.value("spillover", n.spillover);
  j.close();
  j.value("cold_start_ratio", g.cold_start_ratio);
  j.open("latency_ms");
  latency_json(j, "all", g.all);
  latency_json(j, "cold", g.cold);
  latency_json(j, "warm", g.warm);
  j.close();
  j.open("concurrency");
  j.value("mean", g.concurrency_mean);
  j.value("max", g.concurrency_max);
  j.close();
  if (environments) {
    j.open("environments");
    j.value("created", g.environments.created);
    j.value("evicted", g.environments.evicted());
    j.value("evicted_idle", g.environments.evicted_idle);
    j.value("evicted_lifetime", g.environments.evicted_lifetime);
    j.value("reset", g.environments.reset);
    j.value("prewarmed", g.environments.prewarmed);
    j.value("peak", g.environments_peak);
    j.value("mean_live", g.environments_mean_live);
    j.value("mean_idle", g.environments_mean_idle);
    j.value("idle_seconds", g.idle_environment_seconds);
    j.close();
    j.open("scaling");
    if (g.scaling_tokens_min >= 0) j.value("tokens_min", g.scaling_tokens_min);
    else j.null_value("tokens_min");
    j.value("throttled", n.throttled_scaling);
    j.close();
  }
  const AsyncSummary& a = g.async;
  j.open("async");
  j.value("arrived", a.arrived);
  j.value("completed", a.age_at_completion.count);
  j.value("retried", n.retried);
  j.value("throttle_retries", a.throttle_retries);
  j.value("dropped", a.dropped_age + a.dropped_retries);
  j.value("dropped_age", a.dropped_age);
  j.value("dropped_retries", a.dropped_retries);
  j.value("queue_max", a.queue_max);
  j.value("queue_mean", a.queue_mean);
  latency_json(j, "event_age_ms", a.age_at_start);
  latency_json(j, "completion_age_ms", a.age_at_completion);
  j.close();
  const ProvisionedSummary& p = g.provisioned;
  j.open("provisioned");
  j.boolean("enabled", p.enabled);
  j.value("mean_configured", p.mean_configured);
  j.value("mean_allocated", p.mean_allocated);
  j.value("max_allocated", p.max_allocated);
  j.value("mean_in_use", p.mean_in_use);
  j.value("utilization", p.utilization);
  j.value("spillover", n.spillover);
  j.value("spillover_ratio", p.spillover_ratio);
  j.value("spillover_cold", n.spillover_cold);
  j.value("inits", p.inits);
  j.value("recycled", p.recycled);
  j.value("scale_out", p.scale_out);
  j.value("scale_in", p.scale_in);
  j.value("break_even_utilization", p.break_even_utilization);
  j.close();
  cost_json(j, "cost_usd", g.cost, g.cost_monthly);
  if (!g.versions.empty()) {
    j.open("versions");
    for (const NamedGroup& v : g.versions) {
      j.open(v.name);
      group_json(j, v.group);
      j.close();
    }
    j.close();
  }
  if (!g.aliases.empty()) {
    j.open("aliases");
    for (const NamedGroup& v : g.aliases) {
      j.open(v.name);
      group_json(j, v.group, /*environments=*/false);
      j.close();
    }
    j.close();
  }
}

std::string money(double v) {
  if (std::fabs(v) >= 0.01 || v == 0) return fmt::format("{:.2f}", v);
  return fmt::format("{:.6f}", v);
}

std::string pct(double v) { return fmt::format("{:.3g}%", 100 * v); }

}  // namespace

std::string json_escape(std::string_view s) {
  std::string q;
  q.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': q += "\\\""; break;
      case '\\': q += "\\\\"; break;
      case '\n': q += "\\n"; break;
      case '\r': q += "\\r"; break;
      case '\t': q += "\\t"; break;
      default:
        if (c < 0x20) q += fmt::format("\\u{:04x}", c);
        else q += ch;
    }
  }
  return q;
}

std::string json_quote(std::string_view s) { return "\"" + json_escape(s) + "\""; }

std::string to_json(const Summary& s) {
  Json j;
  j.open("");
  j.value("scenario", s.scenario);
  j.value("seed", s.seed);
  j.value("replication", s.replication);
  j.value("simulated_seconds", s.simulated_seconds);
  j.value("measured_seconds", s.measured_seconds);
  j.value("digest", fmt::format("{:016x}", s.digest));
  j.open("pricing");
  j.value("region", s.region);
  j.value("billing_date", s.billing_date);
  j.value("price_table_date", s.price_table_date);
  j.close();
  group_json(j, s.total);
  j.open("functions");
  for (const auto& [name, g] : s.functions) {
    j.open(name);
    group_json(j, g);
    j.close();
  }
  j.close();
  if (!s.sources.empty()) {
    j.open("sources");
    for (const SourceSummary& src : s.sources) {
      j.open(src.name);
      j.value("function", src.target);
      j.value("type", src.type);
      j.boolean("warmer", src.warmer);
      j.value("gateway_timeouts", src.gateway_timeouts);
      if (src.mapping) mapping_json(j, *src.mapping);
      group_json(j, src.group, /*environments=*/false);
      j.close();
    }
    j.close();
  }
  j.close();
  return j.str();
}

std::string to_csv(const Summary& s) {
  std::string out =
      "scenario,seed,function,arrived,started,completed,cold,warm,throttled,timed_out,"
      "cold_start_ratio,latency_mean_ms,latency_p50_ms,latency_p90_ms,latency_p95_ms,"
      "latency_p99_ms,latency_p999_ms,latency_max_ms,cold_latency_p50_ms,cold_latency_p99_ms,"
      "warm_latency_p50_ms,warm_latency_p99_ms,concurrency_mean,concurrency_max,"
      "environments_created,environments_evicted,environments_peak,environments_mean_live,"
      "environments_mean_idle,idle_environment_seconds,cost_requests_usd,cost_duration_usd,"
      "cost_init_usd,cost_ephemeral_storage_usd,cost_total_usd,cost_monthly_total_usd,"
      "retried,dropped,async_event_age_p50_ms,async_event_age_p99_ms,async_queue_max,"
      "cost_restore_usd,cost_snapstart_usd\n";
  auto csv_text = [](const std::string& t) {
    if (t.find_first_of(",\"\n") == std::string::npos) return t;
    std::string q = "\"";
    for (char c : t) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  // One row per function, then one per version ("fn:2") and alias ("fn:live") when declared.
  std::vector<std::pair<std::string, const GroupSummary*>> rows;
  for (const auto& [name, g] : s.functions) {
    rows.emplace_back(name, &g);
    for (const NamedGroup& v : g.versions) rows.emplace_back(name + ":" + v.name, &v.group);
    for (const NamedGroup& a : g.aliases) rows.emplace_back(name + ":" + a.name, &a.group);
  }
  for (const auto& [name, gp] : rows) {
    const GroupSummary& g = *gp;
    const auto& n = g.invocations;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},", csv_text(s.scenario), s.seed,
                       csv_text(name), n.arrived, n.started, n.completed, n.cold, n.warm,
                       n.throttled, n.timed_out, num(g.cold_start_ratio));
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},", num(g.all.mean), num(g.all.p50),
                       num(g.all.p90), num(g.all.p95), num(g.all.p99), num(g.all.p999),
                       num(g.all.max), num(g.cold.p50), num(g.cold.p99), num(g.warm.p50),
                       num(g.warm.p99));
    out += fmt::format("{},{},{},{},{},{},{},{},", num(g.concurrency_mean), g.concurrency_max,
                       g.environments.created, g.environments.evicted(), g.environments_peak,
                       num(g.environments_mean_live), num(g.environments_mean_idle),
                       num(g.idle_environment_seconds));
    out += fmt::format("{},{},{},{},{},{},", num(g.cost.requests), num(g.cost.duration),
                       num(g.cost.init), num(g.cost.ephemeral_storage), num(g.cost.total()),
                       num(g.cost_monthly.total()));
    out += fmt::format("{},{},{},{},{},{},{}\n", n.retried, n.dropped,
                       num(g.async.age_at_start.p50), num(g.async.age_at_start.p99),
                       g.async.queue_max, num(g.cost.restore),
                       num(g.cost.snapstart_cache + g.cost.snapstart_restore));
  }
  return out;
}

std::string to_table(const Summary& s) {
  std::string o;
  o += fmt::format("lambdasim: {}  (seed {}, {} simulated, {} measured)\n\n", s.scenario, s.seed,
                   format_duration(to_duration(s.simulated_seconds)),
                   format_duration(to_duration(s.measured_seconds)));
  std::vector<std::pair<std::string, const GroupSummary*>> rows;
  for (const auto& [name, g] : s.functions) {
    rows.emplace_back(name, &g);
    for (const NamedGroup& v : g.versions) rows.emplace_back("  " + name + ":" + v.name, &v.group);
    for (const NamedGroup& a : g.aliases) rows.emplace_back("  " + name + ":" + a.name, &a.group);
  }
  if (s.functions.size() > 1) rows.emplace_back("(all)", &s.total);
  // Aliases own no environments: they have no row in the environments section.
  auto is_alias = [&](const GroupSummary* g) {
    for (const auto& [name, f] : s.functions)
      for (const NamedGroup& a : f.aliases)
        if (&a.group == g) return true;
    return false;
  };
  std::size_t w = 12;  // wide enough for the section titles
  for (const auto& r : rows) w = std::max(w, r.first.size());

  o += fmt::format("{:<{}}  {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}\n", "invocations", w,
                   "arrived", "completed", "throttled", "timed out", "cold", "cold %");
  for (const auto& [name, g] : rows) {
    const auto& n = g->invocations;
    o += fmt::format("{:<{}}  {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}\n", name, w, n.arrived,
                     n.completed, n.throttled, n.timed_out, n.cold, pct(g->cold_start_ratio));
  }
  o += fmt::format("\n{:<{}}  {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "latency (ms)",
                   w, "", "mean", "p50", "p90", "p95", "p99", "p99.9", "max");
  for (const auto& [name, g] : rows) {
    const std::pair<const char*, const LatencySummary*> kinds[] = {
        {"all", &g->all}, {"cold", &g->cold}, {"warm", &g->warm}};
    for (const auto& [kind, l] : kinds) {
      if (l->count == 0 && std::string(kind) != "all") continue;
      o += fmt::format("{:<{}}  {:>6} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n",
                       std::string(kind) == "all" ? name : "", w, kind, l->mean, l->p50, l->p90,
                       l->p95, l->p99, l->p999, l->max);
    }
  }
  if (s.total.async.arrived > 0) {
    o += fmt::format("\n{:<{}}  {:>10} {:>10} {:>10} {:>9} {:>9} {:>10} {:>10}\n", "async", w,
                     "events", "retried", "dropped", "queue max", "age p50", "age p99",
                     "age max");
    for (const auto& [name, g] : rows) {
      if (g->async.arrived == 0) continue;
      o += fmt::format("{:<{}}  {:>10} {:>10} {:>10} {:>9} {:>9.1f} {:>10.1f} {:>10.1f}\n", name,
                       w, g->async.arrived, g->invocations.retried, g->invocations.dropped,
                       g->async.queue_max, g->async.age_at_start.p50, g->async.age_at_start.p99,
                       g->async.age_at_start.max);
    }
  }
  if (s.total.provisioned.enabled) {
    o += fmt::format("\n{:<{}}  {:>10} {:>10} {:>10} {:>9} {:>10} {:>10} {:>10}\n", "provisioned",
                     w, "configured", "allocated", "in use", "util.", "spillover", "spill %",
                     "break-even");
    for (const auto& [name, g] : rows) {
      const ProvisionedSummary& p = g->provisioned;
      if (!p.enabled) continue;
      o += fmt::format("{:<{}}  {:>10.2f} {:>10.2f} {:>10.2f} {:>9} {:>10} {:>10} {:>10}\n", name,
                       w, p.mean_configured, p.mean_allocated, p.mean_in_use, pct(p.utilization),
                       g->invocations.spillover, pct(p.spillover_ratio),
                       pct(p.break_even_utilization));
    }
  }
  const bool mappings = std::any_of(s.sources.begin(), s.sources.end(),
                                    [](const SourceSummary& src) { return src.mapping.has_value(); });
  if (mappings) {
    std::size_t mw = w;
    for (const SourceSummary& src : s.sources) mw = std::max(mw, src.name.size());
    o += fmt::format("\n{:<{}}  {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10}\n",
                     "queues, streams", mw, "records", "processed", "dead-ltr", "expired",
                     "in flight", "batches", "backlog", "age p50", "age p99");
    for (const SourceSummary& src : s.sources) {
      if (!src.mapping) continue;
      const MappingSummary& m = *src.mapping;
      o += fmt::format("{:<{}}  {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10.1f} {:>10.1f}\n",
                       src.name, mw, m.arrived, m.processed, m.dead_lettered, m.expired,
                       m.in_flight, m.batches, m.max_backlog, m.record_age.p50, m.record_age.p99);
    }
    o += "  (backlog: the most records waiting at once; age: ms from arrival to processing)\n";
  }
  o += fmt::format("\n{:<{}}  {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>12}\n", "environments", w,
                   "conc.mean", "conc.max", "created", "evicted", "peak", "mean idle",
                   "idle env-s");
  for (const auto& [name, g] : rows)
    if (!is_alias(g))
      o += fmt::format("{:<{}}  {:>9.3f} {:>9} {:>9} {:>9} {:>9} {:>9.2f} {:>12.0f}\n", name, w,
                     g->concurrency_mean, g->concurrency_max, g->environments.created,
                     g->environments.evicted(), g->environments_peak,
                     g->environments_mean_idle, g->idle_environment_seconds);
  const bool snapstart = s.total.cost.restore + s.total.cost.snapstart_cache +
                             s.total.cost.snapstart_restore > 0;
  const bool provisioned =
      s.total.cost.provisioned_capacity + s.total.cost.provisioned_duration > 0;
  o += fmt::format("\n{:<{}}  {:>10} {:>10} {:>10} {:>10}{}{} {:>10}   {:>12}\n", "cost (USD)", w,
                   "requests", "duration", "init", "ephemeral",
                   snapstart ? fmt::format(" {:>10}", "snapstart") : "",
                   provisioned ? fmt::format(" {:>10} {:>10}", "PC cap.", "PC dur.") : "",
                   "total", "per month");
  for (const auto& [name, g] : rows) {
    const CostBreakdown& c = g->cost;
    o += fmt::format("{:<{}}  {:>10} {:>10} {:>10} {:>10}{}{} {:>10}   {:>12}\n", name, w,
                     money(c.requests), money(c.duration), money(c.init),
                     money(c.ephemeral_storage),
                     snapstart ? fmt::format(" {:>10}", money(c.restore + c.snapstart_cache +
                                                              c.snapstart_restore))
                               : "",
                     provisioned ? fmt::format(" {:>10} {:>10}", money(c.provisioned_capacity),
                                               money(c.provisioned_duration))
                                 : "",
                     money(c.total()), money(g->cost_monthly.total()));
  }
  if (s.total.provisioned.enabled)
    o += fmt::format("\nprovisioned concurrency is cheaper than on-demand above {} utilisation "
                     "(break-even); utilisation here: {}\n",
                     pct(s.total.provisioned.break_even_utilization),
                     pct(s.total.provisioned.utilization));
  o += fmt::format("\nprices: {} (table of {}), billed as of {}; a month is 730 hours\n", s.region,
                   s.price_table_date, s.billing_date);
  return o;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  const fs::path tmp = dir / fmt::format(".{}.tmp{}", target.filename().string(), ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}': {}", tmp.string(),
                                                   std::strerror(errno)));
    out << content;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error(fmt::format("cannot write '{}'", tmp.string()));
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path, ec.message()));
  }
}

}  // namespace lsim
