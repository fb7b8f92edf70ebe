// The HTML report (see html.hpp). Charts are plain SVG built from numbers; CSS is inline.
#include "sim/report/html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/core/units.hpp"

namespace lsim {

SeriesRecorder::SeriesRecorder(const ScenarioSpec& spec, std::size_t bins)
    : cold_latency(0), warm_latency(0),
      from_(spec.warmup.count()),
      to_(spec.duration.count()),
      width_(std::max<std::int64_t>(1, (spec.duration.count() - spec.warmup.count()) /
                                           static_cast<std::int64_t>(std::max<std::size_t>(1, bins)))),
      bins_(std::max<std::size_t>(1, bins)) {}

void SeriesRecorder::advance(std::int64_t t) {
  // Adds the levels held over [last_, t) to the bins it overlaps, as time-weighted means.
  std::int64_t a = std::max(last_, from_);
  const std::int64_t b = std::min(t, to_);
  while (a < b) {
    const auto i = std::min<std::size_t>(bins_.size() - 1, static_cast<std::size_t>((a - from_) / width_));
    const std::int64_t bin_end =
        i + 1 == bins_.size() ? to_ : from_ + static_cast<std::int64_t>(i + 1) * width_;
    const std::int64_t end = std::min(b, bin_end);
    const std::int64_t bin_width = i + 1 == bins_.size() ? to_ - (from_ + static_cast<std::int64_t>(i) * width_) : width_;
    const double w = static_cast<double>(end - a) / static_cast<double>(std::max<std::int64_t>(1, bin_width));
    bins_[i].busy += static_cast<double>(busy_) * w;
    bins_[i].live += static_cast<double>(live_) * w;
    bins_[i].provisioned += static_cast<double>(provisioned_) * w;
    a = end;
  }
  last_ = std::max(last_, t);
}

void SeriesRecorder::on_step(const StepEvent& e) {
  const std::int64_t t = e.at.time_since_epoch().count();
  advance(t);
  Bin* bin = nullptr;
  if (t >= from_ && t < to_)
    bin = &bins_[std::min<std::size_t>(bins_.size() - 1, static_cast<std::size_t>((t - from_) / width_))];
  using K = StepEvent::Kind;
  switch (e.kind) {
    case K::Arrive:
      if (bin != nullptr) ++bin->arrived;
      break;
    case K::Throttle:
      if (bin != nullptr) ++bin->throttled;
      break;
    case K::Drop:
      if (bin != nullptr) ++bin->dropped;
      break;
    case K::Start:
      ++busy_;
      if (e.cold && !e.provisioned) {
        ++live_;
        if (bin != nullptr) ++bin->cold;
      }
      if (t >= from_ && t <= to_) (e.cold ? cold_latency : warm_latency).record((e.init + e.exec).count());
      break;
    case K::Finish:
      busy_ = std::max<std::int64_t>(0, busy_ - 1);
      break;
    case K::PcInit:
      ++live_;
      break;
    case K::PcReady:
      ++provisioned_;
      break;
    case K::Evict:
      live_ = std::max<std::int64_t>(0, live_ - 1);
      if (e.provisioned) provisioned_ = std::max<std::int64_t>(0, provisioned_ - 1);
      break;
    default:
      break;
  }
}

void SeriesRecorder::finish() { advance(to_); }

std::string html_escape(const std::string& s) {
  std::string r;
  r.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '<': r += "&lt;"; break;
      case '>': r += "&gt;"; break;
      case '&': r += "&amp;"; break;
      case '"': r += "&quot;"; break;
      default: r += c;
    }
  }
  return r;
}

namespace {

std::string esc(const std::string& s) { return html_escape(s); }

std::string money(double v) {
  if (v == 0) return "0";
  if (std::fabs(v) >= 0.01) return fmt::format("{:.2f}", v);
  return fmt::format("{:.6f}", v);
}

// A nice step for an axis from 0 to `max` with about `n` ticks.
double nice_step(double max, int n) {
  if (!(max > 0)) return 1;
  const double raw = max / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

std::string fmt_tick(double v) {
  if (v == 0) return "0";
  if (std::fabs(v) >= 100 || v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:g}", v);
}

// The frame shared by the charts: width 760, height 280, margins for axes.
constexpr double kW = 760, kH = 280, kL = 60, kR = 20, kT = 20, kB = 40;

std::string chart_open(const std::string& cls, const std::string& label) {
  return fmt::format(R"(<svg class="chart {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg" width="{:.0f}" height="{:.0f}" viewBox="0 0 {:.0f} {:.0f}" font-size="11">)"
                     "\n",
                     cls, esc(label), kW, kH, kW, kH);
}

std::string y_axis(double max, const std::string& title) {
  std::string o;
  const double step = nice_step(max, 5);
  for (double v = 0; v <= max * 1.0001; v += step) {
    const double y = kH - kB - (kH - kT - kB) * v / max;
    o += fmt::format(R"(<line x1="{:.0f}" y1="{:.1f}" x2="{:.0f}" y2="{:.1f}" stroke="#e5e5e5"/><text x="{:.0f}" y="{:.1f}" text-anchor="end">{}</text>)"
                     "\n",
                     kL, y, kW - kR, y, kL - 4, y + 4, fmt_tick(v));
  }
  o += fmt::format(R"svg(<text x="12" y="{:.0f}" transform="rotate(-90 12 {:.0f})" text-anchor="middle">{}</text>)svg"
                   "\n",
                   (kH - kB + kT) / 2, (kH - kB + kT) / 2, esc(title));
  return o;
}

std::string x_axis_time(double from_s, double to_s) {
  std::string o;
  const double span = std::max(1e-9, to_s - from_s);
  double unit = 1;
  const char* name = "s";
  if (span > 3 * 3600) unit = 3600, name = "h";
  else if (span > 3 * 60) unit = 60, name = "min";
  const double step = nice_step(span / unit, 8);
  for (double v = std::ceil(from_s / unit / step) * step; v * unit <= to_s + 1e-9; v += step) {
    const double x = kL + (kW - kL - kR) * (v * unit - from_s) / span;
    o += fmt::format(R"(<line x1="{:.1f}" y1="{:.0f}" x2="{:.1f}" y2="{:.0f}" stroke="#999"/><text x="{:.1f}" y="{:.0f}" text-anchor="middle">{} {}</text>)"
                     "\n",
                     x, kH - kB, x, kH - kB + 4, x, kH - kB + 16, fmt_tick(v), name);
  }
  o += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" text-anchor="middle">simulated time</text>)"
                   "\n",
                   (kL + kW - kR) / 2, kH - 6);
  return o;
}

std::string legend(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string o;
  double x = kL + 10;
  for (const auto& [color, name] : items) {
    o += fmt::format(R"(<rect x="{:.0f}" y="6" width="10" height="10" fill="{}"/><text x="{:.0f}" y="15">{}</text>)"
                     "\n",
                     x, color, x + 14, esc(name));
    x += 24 + 7.0 * static_cast<double>(name.size());
  }
  return o;
}

// Latency CDF, log-scaled latency axis, cold and warm separately, with p50/p99 marked.
std::string cdf_chart(SeriesRecorder& series, const Summary& s) {
  std::string o = chart_open("chart-cdf", "Latency distribution, cold and warm");
  LatencyHistogram* hists[2] = {&series.warm_latency, &series.cold_latency};
  double lo = 1e300, hi = 0;
  for (LatencyHistogram* h : hists)
    if (h->count() > 0) {
      lo = std::min(lo, std::max(1.0, static_cast<double>(h->min())) / 1000.0);
      hi = std::max(hi, static_cast<double>(h->max()) / 1000.0);
    }
  if (hi <= 0) {
    o += R"(<text x="100" y="140">no invocation completed in the measured window</text></svg>)";
    return o + "\n";
  }
  lo = std::pow(10.0, std::floor(std::log10(lo)));
  hi = std::pow(10.0, std::ceil(std::log10(hi * 1.0001)));
  if (hi <= lo) hi = lo * 10;
  auto px = [&](double ms) {
    return kL + (kW - kL - kR) * (std::log10(std::max(ms, lo)) - std::log10(lo)) /
                    (std::log10(hi) - std::log10(lo));
  };
  auto py = [&](double q) { return kH - kB - (kH - kT - kB) * q; };
  o += y_axis(1.0, "fraction of invocations");
  for (double d = lo; d <= hi * 1.0001; d *= 10) {
    o += fmt::format(R"(<line x1="{:.1f}" y1="{:.0f}" x2="{:.1f}" y2="{:.0f}" stroke="#999"/><text x="{:.1f}" y="{:.0f}" text-anchor="middle">{} ms</text>)"
                     "\n",
                     px(d), kH - kB, px(d), kH - kB + 4, px(d), kH - kB + 16, fmt_tick(d));
  }
  o += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" text-anchor="middle">latency (log scale)</text>)"
                   "\n",
                   (kL + kW - kR) / 2, kH - 6);
  const char* colors[2] = {"#2e86de", "#c0392b"};
  const char* classes[2] = {"cdf-warm", "cdf-cold"};
  for (int k = 0; k < 2; ++k) {
    LatencyHistogram& h = *hists[k];
    if (h.count() == 0) continue;
    std::string pts;
    for (int i = 1; i <= 200; ++i) {
      const double q = i / 200.0;
      pts += fmt::format("{:.1f},{:.1f} ", px(static_cast<double>(h.quantile(q)) / 1000.0), py(q));
    }
    o += fmt::format(R"(<polyline class="{}" fill="none" stroke="{}" stroke-width="2" points="{}"/>)"
                     "\n",
                     classes[k], colors[k], pts);
  }
  for (const auto& [name, value] : {std::pair{"p50", s.total.all.p50}, std::pair{"p99", s.total.all.p99}}) {
    if (value <= 0) continue;
    o += fmt::format(R"(<line class="percentile" x1="{:.1f}" y1="{:.0f}" x2="{:.1f}" y2="{:.0f}" stroke="#555" stroke-dasharray="4 3"/><text x="{:.1f}" y="{:.0f}">{} {:.1f} ms</text>)"
                     "\n",
                     px(value), kT, px(value), kH - kB, px(value) + 3, kT + 10, name, value);
  }
  o += legend({{"#2e86de", "warm"}, {"#c0392b", "cold"}});
  return o + "</svg>\n";
}

std::string series_chart(const SeriesRecorder& series, bool provisioned) {
  std::string o = chart_open("chart-concurrency", "Concurrency and environments over time");
  const auto& bins = series.bins();
  double max = 1;
  for (const auto& b : bins) max = std::max({max, b.busy, b.live, b.provisioned});
  max = nice_step(max * 1.1, 5) * std::ceil(max * 1.1 / nice_step(max * 1.1, 5));
  const double from = series.start_seconds();
  const double to = from + series.bin_seconds() * static_cast<double>(bins.size());
  o += y_axis(max, "environments");
  o += x_axis_time(from, to);
  auto line = [&](const char* cls, const char* color, auto value) {
    std::string pts;
    for (std::size_t i = 0; i < bins.size(); ++i) {
      const double x = kL + (kW - kL - kR) * (static_cast<double>(i) + 0.5) / static_cast<double>(bins.size());
      pts += fmt::format("{:.1f},{:.1f} ", x, kH - kB - (kH - kT - kB) * value(bins[i]) / max);
    }
    o += fmt::format(R"(<polyline class="{}" fill="none" stroke="{}" stroke-width="1.5" points="{}"/>)"
                     "\n",
                     cls, color, pts);
  };
  line("series-live", "#7f8c8d", [](const SeriesRecorder::Bin& b) { return b.live; });
  line("series-busy", "#2e86de", [](const SeriesRecorder::Bin& b) { return b.busy; });
  if (provisioned)
    line("series-provisioned", "#1e8449", [](const SeriesRecorder::Bin& b) { return b.provisioned; });
  std::vector<std::pair<std::string, std::string>> items = {
      {"#2e86de", "busy (concurrency)"}, {"#7f8c8d", "environments (busy + idle)"}};
  if (provisioned) items.emplace_back("#1e8449", "provisioned ready");
  o += legend(items);
  return o + "</svg>\n";
}

std::string events_chart(const SeriesRecorder& series) {
  std::string o = chart_open("chart-events", "Cold starts and throttles over time");
  const auto& bins = series.bins();
  double max = 1;
  for (const auto& b : bins) max = std::max(max, static_cast<double>(b.cold + b.throttled));
  max = nice_step(max * 1.1, 5) * std::ceil(max * 1.1 / nice_step(max * 1.1, 5));
  const double from = series.start_seconds();
  const double to = from + series.bin_seconds() * static_cast<double>(bins.size());
  o += y_axis(max, fmt::format("per {}", format_duration(to_duration(series.bin_seconds()))));
  o += x_axis_time(from, to);
  const double bw = (kW - kL - kR) / static_cast<double>(bins.size());
  for (std::size_t i = 0; i < bins.size(); ++i) {
    const double x = kL + bw * static_cast<double>(i);
    const double hc = (kH - kT - kB) * static_cast<double>(bins[i].cold) / max;
    const double ht = (kH - kT - kB) * static_cast<double>(bins[i].throttled) / max;
    if (bins[i].cold > 0)
      o += fmt::format(R"(<rect class="bar-cold" x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="#c0392b"/>)"
                       "\n",
                       x, kH - kB - hc, std::max(0.5, bw - 0.5), hc);
    if (bins[i].throttled > 0)
      o += fmt::format(R"(<rect class="bar-throttled" x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="#8e44ad"/>)"
                       "\n",
                       x, kH - kB - hc - ht, std::max(0.5, bw - 0.5), ht);
  }
  o += legend({{"#c0392b", "cold starts"}, {"#8e44ad", "throttled"}});
  return o + "</svg>\n";
}

// One line over a mapping's intervals (SourceSummary::mapping->over_time).
template <class T>
std::string interval_chart(const std::string& cls, const std::string& label,
                           const std::vector<T>& values, double interval_s, double scale,
                           const std::string& axis, const char* color) {
  std::string o = chart_open(cls, label);
  double max = 1;
  for (const T& v : values) max = std::max(max, static_cast<double>(v) * scale);
  max = nice_step(max * 1.1, 5) * std::ceil(max * 1.1 / nice_step(max * 1.1, 5));
  o += y_axis(max, axis);
  o += x_axis_time(0, interval_s * static_cast<double>(values.size()));
  std::string pts;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = kL + (kW - kL - kR) * (static_cast<double>(i) + 0.5) /
                              static_cast<double>(values.size());
    pts += fmt::format("{:.1f},{:.1f} ", x,
                       kH - kB - (kH - kT - kB) * static_cast<double>(values[i]) * scale / max);
  }
  o += fmt::format(R"(<polyline class="series" fill="none" stroke="{}" stroke-width="1.5" points="{}"/>)"
                   "\n",
                   color, pts);
  o += legend({{color, label}});
  return o + "</svg>\n";
}

struct CostLine {
  const char* name;
  const char* color;
  double CostBreakdown::*member;
};
constexpr CostLine kCostLines[] = {
    {"requests", "#34495e", &CostBreakdown::requests},
    {"duration", "#2e86de", &CostBreakdown::duration},
    {"INIT", "#f39c12", &CostBreakdown::init},
    {"ephemeral storage", "#16a085", &CostBreakdown::ephemeral_storage},
    {"SnapStart restore", "#d35400", &CostBreakdown::restore},
    {"SnapStart cache", "#e67e22", &CostBreakdown::snapstart_cache},
    {"SnapStart restores", "#a04000", &CostBreakdown::snapstart_restore},
    {"PC capacity", "#1e8449", &CostBreakdown::provisioned_capacity},
    {"PC duration", "#52be80", &CostBreakdown::provisioned_duration},
};

std::string cost_chart(const Summary& s) {
  const double lane = 26;
  const double height = kT + 30 + lane * static_cast<double>(s.functions.size()) + kB;
  std::string o = fmt::format(
      R"(<svg class="chart chart-cost" role="img" aria-label="Monthly cost by function and line item" xmlns="http://www.w3.org/2000/svg" width="{:.0f}" height="{:.0f}" viewBox="0 0 {:.0f} {:.0f}" font-size="11">)"
      "\n",
      kW, height, kW, height);
  double max = 0;
  for (const auto& [name, g] : s.functions) max = std::max(max, g.cost_monthly.total());
  if (max <= 0) max = 1;
  const double left = 160;
  std::size_t row = 0;
  for (const auto& [name, g] : s.functions) {
    const double y = kT + 26 + lane * static_cast<double>(row++);
    o += fmt::format(R"(<text x="{:.0f}" y="{:.1f}" text-anchor="end">{}</text>)"
                     "\n",
                     left - 6, y + 13, esc(name));
    double x = left;
    for (const CostLine& c : kCostLines) {
      const double v = g.cost_monthly.*c.member;
      if (v <= 0) continue;
      const double w = (kW - left - 90) * v / max;
      o += fmt::format(R"(<rect class="cost-bar" x="{:.2f}" y="{:.1f}" width="{:.2f}" height="18" fill="{}"><title>{}: ${}/month</title></rect>)"
                       "\n",
                       x, y, std::max(0.5, w), c.color, c.name, money(v));
      x += w;
    }
    o += fmt::format(R"(<text x="{:.1f}" y="{:.1f}">${}/mo</text>)"
                     "\n",
                     x + 4, y + 13, money(g.cost_monthly.total()));
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (const CostLine& c : kCostLines)
    if (s.total.cost_monthly.*c.member > 0) items.emplace_back(c.color, c.name);
  o += legend(items);
  return o + "</svg>\n";
}

// A model's configuration as one line of YAML flow syntax.
std::string flow(const ConfigNode& n) {
  switch (n.kind) {
    case ConfigNode::Kind::Null: return "~";
    case ConfigNode::Kind::Scalar: return n.scalar;
    case ConfigNode::Kind::List: {
      std::string o = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) o += (i ? ", " : "") + flow(n.items[i]);
      return o + "]";
    }
    case ConfigNode::Kind::Map: {
      std::string o = "{";
      for (std::size_t i = 0; i < n.entries.size(); ++i)
        o += (i ? ", " : "") + n.entries[i].key + ": " + flow(n.entries[i].value);
      return o + "}";
    }
  }
  return "";
}

std::string pct(double v) { return fmt::format("{:.3g}%", 100 * v); }

}  // namespace

std::string to_html(const Summary& s, const ScenarioSpec& spec, const std::string& scenario_text,
                    SeriesRecorder& series) {
  std::string o;
  o += R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
)";
  o += fmt::format("<title>lambdasim report: {}</title>\n", esc(s.scenario));
  o += R"(<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 800px; color: #222; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; } th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; } .muted { color: #666; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
svg.chart { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
.kpi { display: inline-block; margin: 0 1.5em 0.5em 0; } .kpi b { display: block; font-size: 1.4em; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } svg.chart, table { page-break-inside: avoid; } }
</style></head><body>
)";
  const auto& t = s.total;
  o += fmt::format("<h1>{}</h1>\n<p class=\"muted\">lambdasim report · seed {} · {} simulated, {} "
                   "measured · digest {:016x}</p>\n",
                   esc(s.scenario), s.seed, format_duration(to_duration(s.simulated_seconds)),
                   format_duration(to_duration(s.measured_seconds)), s.digest);
  o += "<section class=\"kpis\">\n";
  const std::pair<std::string, std::string> kpis[] = {
      {"invocations", fmt::format("{}", t.invocations.arrived)},
      {"cold starts", fmt::format("{} ({})", t.invocations.cold, pct(t.cold_start_ratio))},
      {"throttled", fmt::format("{}", t.invocations.throttled)},
      {"p50 / p99 latency", fmt::format("{:.1f} / {:.1f} ms", t.all.p50, t.all.p99)},
      {"peak concurrency", fmt::format("{}", t.concurrency_max)},
      {"cost per month", fmt::format("${}", money(t.cost_monthly.total()))},
  };
  for (const auto& [k, v] : kpis) o += fmt::format("<div class=\"kpi\"><b>{}</b>{}</div>\n", esc(v), esc(k));
  o += "</section>\n";

  o += "<h2>Latency</h2>\n" + cdf_chart(series, s);
  o += "<table class=\"latency\"><tr><th>function</th><th>kind</th><th>count</th><th>mean</th>"
       "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n";
  auto latency_rows = [&](const std::string& name, const GroupSummary& g) {
    for (const auto& [kind, l] :
         {std::pair{"all", &g.all}, std::pair{"cold", &g.cold}, std::pair{"warm", &g.warm}}) {
      if (l->count == 0 && std::string(kind) != "all") continue;
      o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.1f}</td>"
                       "<td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td></tr>\n",
                       esc(name), kind, l->count, l->mean, l->p50, l->p90, l->p99, l->p999, l->max);
    }
  };
  for (const auto& [name, g] : s.functions) latency_rows(name, g);
  o += "</table>\n<p class=\"muted\">Milliseconds; latency = INIT (cold starts) + execution. The "
       "chart shows every function together.</p>\n";

  o += "<h2>Concurrency and environments</h2>\n" +
       series_chart(series, t.provisioned.enabled);
  o += "<h2>Cold starts and throttles</h2>\n" + events_chart(series);
  o += "<table><tr><th>function</th><th>arrived</th><th>cold</th><th>cold %</th><th>throttled</th>"
       "<th>dropped</th><th>environments created</th><th>peak</th></tr>\n";
  for (const auto& [name, g] : s.functions)
    o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td>{}</td></tr>\n",
                     esc(name), g.invocations.arrived, g.invocations.cold, pct(g.cold_start_ratio),
                     g.invocations.throttled, g.invocations.dropped, g.environments.created,
                     g.environments_peak);
  o += "</table>\n";

  for (const SourceSummary& src : s.sources) {
    if (!src.mapping) continue;
    const MappingSummary& m = *src.mapping;
    o += fmt::format("<h2>Source {} ({})</h2>\n", esc(src.name), esc(src.type));
    o += fmt::format("<p>{} records: {} processed, {} dead-lettered, {} expired, {} still in flight "
                     "at the end; {} batches of {:.1f} records on average, {} failed; at most {} "
                     "records waiting; a record waited {:.0f} ms at the median, {:.0f} ms at the "
                     "99th percentile, from its arrival to its processing.</p>\n",
                     m.arrived, m.processed, m.dead_lettered, m.expired, m.in_flight, m.batches,
                     m.batch_size_mean, m.failed_batches, m.max_backlog, m.record_age.p50,
                     m.record_age.p99);
    o += interval_chart("chart-backlog", "records waiting (most per interval)", m.series_backlog,
                        m.series_interval_s, 1.0, "records", "#2e86de");
    o += interval_chart("chart-age",
                        m.stream ? "iterator age (largest per interval)"
                                 : "age of the oldest message (largest per interval)",
                        m.series_age_ms, m.series_interval_s, 1e-3, "seconds", "#c0392b");
  }

  o += "<h2>Cost</h2>\n" + cost_chart(s);
  o += "<table class=\"cost\"><tr><th>function</th>";
  for (const CostLine& c : kCostLines)
    if (t.cost.*c.member > 0) o += fmt::format("<th>{}</th>", c.name);
  o += "<th>window</th><th>per month</th></tr>\n";
  auto cost_row = [&](const std::string& name, const GroupSummary& g) {
    o += fmt::format("<tr><td>{}</td>", esc(name));
    for (const CostLine& c : kCostLines)
      if (t.cost.*c.member > 0) o += fmt::format("<td>{}</td>", money(g.cost.*c.member));
    o += fmt::format("<td>{}</td><td>{}</td></tr>\n", money(g.cost.total()),
                     money(g.cost_monthly.total()));
  };
  for (const auto& [name, g] : s.functions) cost_row(name, g);
  if (s.functions.size() > 1) cost_row("(all)", t);
  o += "</table>\n<p class=\"muted\">USD. Line items are for the measured window; the monthly "
       "projection assumes the same traffic for a 730-hour month.";
  if (t.provisioned.enabled)
    o += fmt::format(" Provisioned concurrency is cheaper than on-demand above {} utilisation; "
                     "it runs at {} here.",
                     pct(t.provisioned.break_even_utilization), pct(t.provisioned.utilization));
  o += "</p>\n";

  o += "<h2>Assumptions</h2>\n<ul>\n";
  o += fmt::format("<li>Prices: region {}, price table of {}, billed as of {} (INIT is billed for "
                   "on-demand ZIP functions on managed runtimes from 2025-08-01).</li>\n",
                   esc(s.region), esc(s.price_table_date), esc(s.billing_date));
  o += "<li>Duration rounded up to the millisecond per invocation; tiers on the account's "
       "monthly GB-seconds per architecture.</li>\n";
  for (const FunctionSpec& f : spec.functions)
    o += fmt::format("<li>{}: {} MB, {}, {}; keep-alive <code>{}</code>; scaling <code>{}</code>"
                     "</li>\n",
                     esc(f.name), f.memory_mb, esc(f.runtime), esc(std::string(to_string(f.architecture))),
                     esc(flow(f.keep_alive.node)), esc(flow(f.scaling.node)));
  o += "<li>Idle eviction is not documented by AWS: the keep-alive models and their sources are "
       "listed by <code>lambdasim models</code> and in README.md.</li>\n</ul>\n";
  o += "<h2>Scenario</h2>\n<pre class=\"scenario\">" + esc(scenario_text) + "</pre>\n";
  o += "<p class=\"muted\">Generated by lambdasim. Same scenario and seed give the same "
       "report.</p>\n</body></html>\n";
  return o;
}

}  // namespace lsim
