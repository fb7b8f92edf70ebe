// Narrated trace, JSON-lines trace and environment timeline (see trace.hpp).
#include "sim/report/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/stats/writers.hpp"

namespace lsim {
namespace {

std::string at(Time t) { return fmt::format("t={:.3f} s", to_seconds(t)); }

// 312 ms, 1.25 s, 10.0 min: what a person reads at a glance.
std::string span(Duration d) {
  const double s = to_seconds(d);
  if (s < 1) return fmt::format("{:.0f} ms", s * 1000);
  if (s < 120) return fmt::format("{:.2f} s", s);
  return fmt::format("{:.1f} min", s / 60);
}

const char* outcome_words(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "";
    case Outcome::TimedOut: return " → timed out";
    case Outcome::Failed: return " → function error (handled)";
    case Outcome::Crashed: return " → crashed";
  }
  return "";
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::TimedOut: return "timed_out";
    case Outcome::Failed: return "failed";
    case Outcome::Crashed: return "crashed";
  }
  return "ok";
}

const char* kind_name(StepEvent::Kind k) {
  switch (k) {
    case StepEvent::Kind::Arrive: return "arrive";
    case StepEvent::Kind::Throttle: return "throttle";
    case StepEvent::Kind::Start: return "start";
    case StepEvent::Kind::Finish: return "finish";
    case StepEvent::Kind::Idle: return "idle";
    case StepEvent::Kind::Evict: return "evict";
    case StepEvent::Kind::Requeue: return "requeue";
    case StepEvent::Kind::Drop: return "drop";
    case StepEvent::Kind::PcInit: return "provisioned_init";
    case StepEvent::Kind::PcReady: return "provisioned_ready";
  }
  return "?";
}


}  // namespace

StepNames::StepNames(const ScenarioSpec& spec) {
  for (const FunctionSpec& f : spec.functions) {
    for (const VersionSpec& v : f.versions) {
      unit.push_back(f.declares_versions ? f.name + ":" + v.name : f.name);
      function.push_back(f.name);
    }
    for (const AliasSpec& a : f.aliases) alias.push_back(f.name + ":" + a.name);
  }
}

// ---------------------------------------------------------------------------------------------

TraceNarrator::TraceNarrator(const ScenarioSpec& spec, TraceOptions options)
    : names_(spec), options_(std::move(options)) {}

bool TraceNarrator::wanted(const StepEvent& e) {
  if (!options_.function.empty() && names_.function.at(e.unit) != options_.function) return false;
  if (e.kind == StepEvent::Kind::Arrive) {
    if (options_.limit != 0 && narrated_ >= options_.limit) return false;
    ++narrated_;
    invocations_.insert(e.invocation);
    return true;
  }
  if (e.invocation != 0) {
    if (invocations_.count(e.invocation) == 0) return false;
    if (e.environment != 0) environments_.insert(e.environment);
    return true;
  }
  // Environment-only steps: those of environments a narrated invocation used, and provisioned
  // environments while narration goes on.
  return environments_.count(e.environment) != 0 ||
         (e.provisioned && (options_.limit == 0 || narrated_ < options_.limit));
}

void TraceNarrator::add_line(Time t, std::string text) {
  lines_.push_back({t, lines_.size(), std::move(text)});
}

std::string& TraceNarrator::open_line(std::uint64_t invocation) {
  return lines_[open_.at(invocation)].text;
}

void TraceNarrator::json_line(const StepEvent& e) {
  std::string j = fmt::format(R"({{"t": {:.6f}, "step": "{}")", to_seconds(e.at), kind_name(e.kind));
  if (e.invocation != 0) j += fmt::format(R"(, "invocation": {})", e.invocation);
  j += fmt::format(R"(, "version": {})", json_quote(names_.unit.at(e.unit)));
  if (e.alias != kNone) j += fmt::format(R"(, "alias": {})", json_quote(names_.alias.at(e.alias)));
  if (e.environment != 0) j += fmt::format(R"(, "environment": "e{}")", e.environment);
  if (e.async) j += R"(, "async": true)";
  if (e.records > 0)
    j += fmt::format(R"(, "batch": {{"records": {}, "lane": {}, "first_record": {}, "failures": {}}})",
                     e.records, e.lane, e.first_record, e.attempt);
  if (e.provisioned) j += R"(, "provisioned": true)";
  if (e.kind == StepEvent::Kind::Start || e.kind == StepEvent::Kind::Finish) {
    j += fmt::format(R"(, "cold": {}, "init_ms": {:.3f}, "exec_ms": {:.3f}, "outcome": "{}")",
                     e.cold ? "true" : "false", to_ms(e.init), to_ms(e.exec),
                     outcome_name(e.outcome));
  }
  if (e.kind == StepEvent::Kind::PcInit) j += fmt::format(R"(, "init_ms": {:.3f})", to_ms(e.init));
  if (e.kind == StepEvent::Kind::Idle || e.kind == StepEvent::Kind::Requeue)
    j += fmt::format(R"(, "until": {:.6f})", to_seconds(e.until));
  if (e.async) j += fmt::format(R"(, "retries": {})", e.attempt);
  if (e.kind == StepEvent::Kind::Start)
    j += fmt::format(R"(, "first_in_environment": {})", *e.reason != '\0' ? "true" : "false");
  else if (*e.reason != '\0')
    j += fmt::format(R"(, "reason": {})", json_quote(e.reason));
  jsonl_ += j + "}\n";
}

void TraceNarrator::on_step(const StepEvent& e) {
  if (!wanted(e)) return;
  if (options_.jsonl) {
    json_line(e);
    return;
  }
  using K = StepEvent::Kind;
  const std::string env = fmt::format("e{}", e.environment);
  switch (e.kind) {
    case K::Arrive: {
      std::string t = fmt::format("{}  #{} arrives at {}", at(e.at), e.invocation,
                                  e.alias != kNone ? names_.alias.at(e.alias) : names_.unit.at(e.unit));
      if (e.alias != kNone) t += fmt::format(" → {}", names_.unit.at(e.unit));
      if (e.async) t += " (async event, queued)";
      if (e.records > 0)
        t += fmt::format(" (batch of {} record{} from lane {}{})", e.records,
                         e.records == 1 ? "" : "s", e.lane,
                         e.attempt > 0 ? fmt::format(", attempt {}", e.attempt + 1) : "");
      open_[e.invocation] = lines_.size();
      add_line(e.at, std::move(t));
      break;
    }
    case K::Throttle:
      open_line(e.invocation) += fmt::format(" → throttled (HTTP 429): no {} left", e.reason);
      open_.erase(e.invocation);
      break;
    case K::Start: {
      std::string& t = open_line(e.invocation);
      if (e.async && e.attempt > 0)
        t += fmt::format(" → {} retry {}", at(e.at), e.attempt);
      else if (e.async && e.at != lines_[open_.at(e.invocation)].at)
        t += fmt::format(" → starts at {}", at(e.at));
      if (e.provisioned)
        t += fmt::format(" → provisioned environment {} (warm)", env);
      else if (e.cold)
        t += fmt::format(" → no idle environment → cold start: INIT {} (environment {})",
                         span(e.init), env);
      else
        t += fmt::format(" → warm: reuses idle {}", env);
      t += fmt::format(" → runs {}", span(e.exec));
      last_[e.environment] = e.invocation;
      break;
    }
    case K::Finish:
      open_line(e.invocation) += outcome_words(e.outcome);
      break;
    case K::Requeue:
      open_line(e.invocation) +=
          fmt::format(" → back to the queue ({}) until {}", e.reason, at(e.until));
      break;
    case K::Drop:
      open_line(e.invocation) +=
          fmt::format(" → dropped at {} ({}): sent to the failure destination", at(e.at),
                      e.reason == std::string("age") ? "too old" : "out of retries");
      open_.erase(e.invocation);
      break;
    case K::Idle:
    case K::Evict: {
      // Right after an execution: the end of that invocation's sentence.
      const auto it = last_.find(e.environment);
      const bool after_run = it != last_.end() && open_.count(it->second) != 0;
      std::string words;
      if (e.kind == K::Idle)
        words = e.provisioned ? fmt::format("{} idle (provisioned: kept)", env)
                              : fmt::format("{} idle, kept until {}", env, at(e.until));
      else if (std::string(e.reason) == "reset")
        words = fmt::format("{} reset (the next start there is cold)", env);
      else if (std::string(e.reason) == "lifetime")
        words = fmt::format("{} retired (maximum lifetime)", env);
      else if (std::string(e.reason) == "idle")
        words = fmt::format("{} reclaimed after idling", env);
      else
        words = fmt::format("{} reclaimed ({})", env, e.reason);
      if (after_run) {
        open_line(it->second) += " → " + words;
        // An async event that will be retried stays open; a sync one is complete.
        last_.erase(it);
      } else if (e.kind == K::Evict) {
        // Idling after invocations that are not narrated says nothing new; evictions do.
        add_line(e.at, fmt::format("{}  {} ({})", at(e.at), words, names_.unit.at(e.unit)));
      }
      break;
    }
    case K::PcInit:
      add_line(e.at, fmt::format("{}  provisioned environment {} ({}) starts INIT {}", at(e.at),
                                 env, names_.unit.at(e.unit), span(e.init)));
      environments_.insert(e.environment);
      break;
    case K::PcReady:
      add_line(e.at, fmt::format("{}  {} is ready (provisioned, {})", at(e.at), env,
                                 names_.unit.at(e.unit)));
      break;
  }
}

std::string TraceNarrator::text() const {
  if (options_.jsonl) return jsonl_;
  std::vector<const Line*> sorted;
  for (const Line& l : lines_) sorted.push_back(&l);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Line* a, const Line* b) {
    return a->at != b->at ? a->at < b->at : a->order < b->order;
  });
  std::string out;
  for (const Line* l : sorted) out += l->text + "\n";
  if (lines_.empty()) out = "(no invocation to narrate)\n";
  return out;
}

// ---------------------------------------------------------------------------------------------

TimelineRecorder::TimelineRecorder(const ScenarioSpec& spec, TimelineOptions options)
    : names_(spec), options_(std::move(options)) {}

TimelineRecorder::Lane* TimelineRecorder::lane(const StepEvent& e) {
  if (e.environment == 0) return nullptr;
  if (const auto it = index_.find(e.environment); it != index_.end()) return &lanes_[it->second];
  if (lanes_.size() >= options_.max_environments) return nullptr;
  if (!options_.function.empty() && names_.function.at(e.unit) != options_.function) return nullptr;
  index_[e.environment] = lanes_.size();
  Lane& l = lanes_.emplace_back();
  l.serial = e.environment;
  l.label = fmt::format("e{} {}", e.environment, names_.unit.at(e.unit));
  l.provisioned = e.provisioned;
  return &l;
}

void TimelineRecorder::on_step(const StepEvent& e) {
  constexpr std::size_t kMaxPieces = 200'000;
  Lane* l = lane(e);
  if (l == nullptr || pieces_ >= kMaxPieces) return;
  const std::int64_t t = e.at.time_since_epoch().count();
  auto close_idle = [&] {
    if (l->idle_from >= 0 && t > l->idle_from) {
      l->intervals.push_back({l->idle_from, t, Piece::Idle});
      ++pieces_;
    }
    l->idle_from = -1;
  };
  switch (e.kind) {
    case StepEvent::Kind::Start:
      close_idle();
      l->invocations.push_back(t);
      if (e.cold) {
        l->cold_starts.push_back(t);
        l->intervals.push_back({t, t + e.init.count(), Piece::Init});
      }
      l->intervals.push_back({t + e.init.count(), t + e.init.count() + e.exec.count(), Piece::Busy});
      pieces_ += 2;
      break;
    case StepEvent::Kind::PcInit:
      l->intervals.push_back({t, t + e.init.count(), Piece::Init});
      ++pieces_;
      break;
    case StepEvent::Kind::PcReady:
    case StepEvent::Kind::Idle:
      l->idle_from = t;
      break;
    case StepEvent::Kind::Evict:
      close_idle();
      l->evicted = t;
      l->evict_reason = e.reason;
      break;
    default:
      break;
  }
}

std::string TimelineRecorder::svg(const std::string& title, Time end_time) const {
  const double end = std::max<double>(1, static_cast<double>(end_time.time_since_epoch().count()));
  constexpr double kLeft = 150, kWidth = 1000, kLane = 12, kGap = 3, kTop = 56;
  const double height = kTop + static_cast<double>(lanes_.size()) * (kLane + kGap) + 40;
  auto x = [&](std::int64_t us) { return kLeft + kWidth * std::min(1.0, static_cast<double>(us) / end); };
  std::string o = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{:.0f}" height="{:.0f}" viewBox="0 0 {:.0f} {:.0f}" font-family="sans-serif" font-size="11">)"
      "\n",
      kLeft + kWidth + 20, height, kLeft + kWidth + 20, height);
  auto escape = [](const std::string& s) {
    std::string r;
    for (const char c : s) {
      if (c == '<') r += "&lt;";
      else if (c == '>') r += "&gt;";
      else if (c == '&') r += "&amp;";
      else r += c;
    }
    return r;
  };
  o += fmt::format(R"(<title>{}</title>)"
                   "\n"
                   R"(<text x="10" y="18" font-size="14" font-weight="bold">{}</text>)"
                   "\n",
                   escape(title), escape(title));
  // Legend.
  const std::pair<const char*, const char*> legend[] = {
      {"#f39c12", "INIT"}, {"#2e86de", "busy"}, {"#d5d8dc", "idle"}, {"#1e8449", "provisioned"}};
  double lx = 10;
  for (const auto& [color, name] : legend) {
    o += fmt::format(R"(<rect class="legend" x="{:.0f}" y="28" width="12" height="10" fill="{}"/><text x="{:.0f}" y="37">{}</text>)"
                     "\n",
                     lx, color, lx + 16, name);
    lx += 110;
  }
  o += fmt::format(R"(<path d="M{:.0f} 28 l5 10 l-10 0 z" fill="#c0392b"/><text x="{:.0f}" y="37">cold start</text>)"
                   "\n",
                   lx + 5, lx + 16);
  o += fmt::format(R"(<rect x="{:.0f}" y="28" width="2" height="10" fill="#000"/><text x="{:.0f}" y="37">evicted</text>)"
                   "\n",
                   lx + 110, lx + 118);
  // Time axis.
  const double end_s = end * 1e-6;
  const double raw = end_s / 8;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
  const double axis_y = height - 25;
  for (double s = 0; s <= end_s + 1e-9; s += step) {
    const double px = x(static_cast<std::int64_t>(s * 1e6));
    o += fmt::format(R"(<line class="tick" x1="{:.1f}" y1="{:.0f}" x2="{:.1f}" y2="{:.0f}" stroke="#999"/><text x="{:.1f}" y="{:.0f}" text-anchor="middle">{:g} s</text>)"
                     "\n",
                     px, kTop - 4, px, axis_y, px, axis_y + 14, s);
  }
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    const Lane& l = lanes_[i];
    const double y = kTop + static_cast<double>(i) * (kLane + kGap);
    o += fmt::format(R"(<g class="lane" data-environment="e{}">)"
                     "\n"
                     R"(<text x="{:.0f}" y="{:.1f}" text-anchor="end">{}</text>)"
                     "\n",
                     l.serial, kLeft - 6, y + kLane - 2, escape(l.label));
    if (l.provisioned)
      o += fmt::format(R"(<rect x="{:.0f}" y="{:.1f}" width="{:.0f}" height="{:.0f}" fill="none" stroke="#1e8449"/>)"
                       "\n",
                       kLeft, y - 1, kWidth, kLane + 2);
    // The environment's life as an idle background, then INIT and busy pieces on top. Pieces
    // closer than half a pixel merge, so a busy environment is one bar, not thousands.
    std::int64_t born = -1, last = -1;
    for (const Interval& iv : l.intervals) {
      born = born < 0 ? iv.from : std::min(born, iv.from);
      last = std::max(last, iv.to);
    }
    if (l.idle_from >= 0) last = std::max<std::int64_t>(last, static_cast<std::int64_t>(end));
    if (l.evicted >= 0) last = l.evicted;
    if (born >= 0 && born < end)
      o += fmt::format(R"(<rect class="life" x="{:.2f}" y="{:.1f}" width="{:.2f}" height="{:.0f}" fill="#d5d8dc"/>)"
                       "\n",
                       x(born), y, std::max(0.5, x(std::min<std::int64_t>(last, static_cast<std::int64_t>(end))) - x(born)), kLane);
    const auto half_pixel = static_cast<std::int64_t>(end / kWidth / 2);
    for (const Piece kind : {Piece::Init, Piece::Busy}) {
      const char* color = kind == Piece::Init ? "#f39c12" : "#2e86de";
      const char* cls = kind == Piece::Init ? "init" : "busy";
      std::int64_t from = -1, to = -1;
      auto flush = [&] {
        if (from < 0 || from >= end) return;
        o += fmt::format(R"(<rect class="{}" x="{:.2f}" y="{:.1f}" width="{:.2f}" height="{:.0f}" fill="{}"/>)"
                         "\n",
                         cls, x(from), y, std::max(0.5, x(to) - x(from)), kLane, color);
      };
      for (const Interval& iv : l.intervals) {
        if (iv.piece != kind) continue;
        if (from >= 0 && iv.from <= to + half_pixel) {
          to = std::max(to, iv.to);
          continue;
        }
        flush();
        from = iv.from;
        to = iv.to;
      }
      flush();
    }
    for (const std::int64_t t : l.cold_starts)
      if (t < end)
        o += fmt::format(R"(<path class="cold" d="M{:.2f} {:.1f} l4 -6 l-8 0 z" fill="#c0392b"/>)"
                         "\n",
                         x(t), y);
    if (l.evicted >= 0 && l.evicted < end)
      o += fmt::format(R"(<rect class="evicted" x="{:.2f}" y="{:.1f}" width="2" height="{:.0f}" fill="#000"><title>evicted: {}</title></rect>)"
                       "\n",
                       x(l.evicted), y - 1, kLane + 2, escape(l.evict_reason));
    o += "</g>\n";
  }
  o += "</svg>\n";
  return o;
}

}  // namespace lsim
