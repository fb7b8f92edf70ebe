// Typed reading of scenario mappings with located diagnostics.
#include "sim/scenario/param_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/core/units.hpp"

namespace lsim {

ParamReader::ParamReader(const ConfigNode& node, std::string path, Diagnostics& diags)
    : node_(node), path_(std::move(path)), diags_(diags) {
  if (!node_.is_map() && !node_.is_null())
    diags_.error(node_.loc, path_, "expected a mapping of keys to values");
}

bool ParamReader::has(const std::string& key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  return node_.is_map() && node_.find(key) != nullptr;
}

std::string ParamReader::path_of(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

SourceLoc ParamReader::loc_of(const std::string& key) const {
  if (node_.is_map())
    if (const ConfigNode* c = node_.find(key)) return c->loc;
  return node_.loc;
}

const ConfigNode* ParamReader::lookup(const std::string& key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  if (!node_.is_map()) return nullptr;
  const ConfigNode* c = node_.find(key);
  if (c != nullptr && std::find(consumed_.begin(), consumed_.end(), key) == consumed_.end())
    consumed_.push_back(key);
  return c;
}

const ConfigNode* ParamReader::child(const std::string& key) { return lookup(key); }

bool ParamReader::refuse(const std::string& key, const std::string& message) {
  if (!node_.is_map() || node_.find(key) == nullptr) return false;
  if (std::find(consumed_.begin(), consumed_.end(), key) == consumed_.end())
    consumed_.push_back(key);
  error(key, message);
  return true;
}

const ConfigNode* ParamReader::scalar(const std::string& key, bool required) {
  const ConfigNode* c = lookup(key);
  if (c == nullptr || c->is_null()) {
    if (required) diags_.error(node_.loc, path_, fmt::format("missing required key '{}'", key));
    return nullptr;
  }
  if (!c->is_scalar()) {
    diags_.error(c->loc, path_of(key), "expected a single value, not a list or mapping");
    return nullptr;
  }
  return c;
}

void ParamReader::error(const std::string& key, const std::string& message) {
  diags_.error(loc_of(key), path_of(key), message);
}

void ParamReader::warning(const std::string& key, const std::string& message) {
  diags_.warning(loc_of(key), path_of(key), message);
}

bool ParamReader::check(bool ok, const std::string& key, const std::string& message) {
  if (!ok) error(key, message);
  return ok;
}

Duration ParamReader::duration(const std::string& key) {
  if (const ConfigNode* c = scalar(key, true)) {
    auto p = parse_duration(c->scalar);
    if (p.value) return *p.value;
    diags_.error(c->loc, path_of(key), p.error);
  }
  return Duration{0};
}

Duration ParamReader::duration_or(const std::string& key, Duration def) {
  return optional_duration(key).value_or(def);
}

std::optional<Duration> ParamReader::optional_duration(const std::string& key) {
  if (const ConfigNode* c = scalar(key, false)) {
    auto p = parse_duration(c->scalar);
    if (p.value) return *p.value;
    diags_.error(c->loc, path_of(key), p.error);
  }
  return std::nullopt;
}

double ParamReader::rate_per_s(const std::string& key) {
  if (const ConfigNode* c = scalar(key, true)) {
    auto p = parse_rate_per_s(c->scalar);
    if (p.value) return *p.value;
    diags_.error(c->loc, path_of(key), p.error);
  }
  return 0.0;
}

double ParamReader::number(const std::string& key) {
  if (const ConfigNode* c = scalar(key, true)) {
    auto p = parse_number(c->scalar);
    if (p.value) return *p.value;
    diags_.error(c->loc, path_of(key), p.error);
  }
  return 0.0;
}

double ParamReader::number_or(const std::string& key, double def) {
  if (const ConfigNode* c = scalar(key, false)) {
    auto p = parse_number(c->scalar);
    if (p.value) return *p.value;
    diags_.error(c->loc, path_of(key), p.error);
  }
  return def;
}

std::optional<std::int64_t> ParamReader::optional_integer(const std::string& key) {
  if (const ConfigNode* c = scalar(key, false)) {
    std::int64_t v = 0;
    std::string s;
    for (char ch : c->scalar)
      if (ch != '_') s += ch;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range)
      diags_.error(c->loc, path_of(key), fmt::format("'{}' is out of range", c->scalar));
    else if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty())
      diags_.error(c->loc, path_of(key), fmt::format("'{}' is not a whole number", c->scalar));
    else
      return v;
  }
  return std::nullopt;
}

std::int64_t ParamReader::integer_or(const std::string& key, std::int64_t def) {
  return optional_integer(key).value_or(def);
}

int ParamReader::memory_mb_or(const std::string& key, int def) {
  if (const ConfigNode* c = scalar(key, false)) {
    auto p = parse_memory_mb(c->scalar);
    if (p.value) return *p.value;
    diags_.error(c->loc, path_of(key), p.error);
  }
  return def;
}

std::string ParamReader::string(const std::string& key) {
  if (const ConfigNode* c = scalar(key, true)) return c->scalar;
  return {};
}

std::string ParamReader::string_or(const std::string& key, const std::string& def) {
  if (const ConfigNode* c = scalar(key, false)) return c->scalar;
  return def;
}

bool ParamReader::boolean_or(const std::string& key, bool def) {
  if (const ConfigNode* c = scalar(key, false)) {
    const std::string& s = c->scalar;
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    diags_.error(c->loc, path_of(key), fmt::format("'{}' is not true or false", s));
  }
  return def;
}

std::vector<Duration> ParamReader::duration_list(const std::string& key, bool required) {
  std::vector<Duration> out;
  const ConfigNode* c = lookup(key);
  if (c == nullptr || c->is_null()) {
    if (required) diags_.error(node_.loc, path_, fmt::format("missing required key '{}'", key));
    return out;
  }
  if (!c->is_list()) {
    diags_.error(c->loc, path_of(key), "expected a list, e.g. [120ms, 150ms, 2s]");
    return out;
  }
  std::size_t i = 0;
  for (const auto& item : c->items) {
    const std::string item_path = fmt::format("{}[{}]", path_of(key), i++);
    if (!item.is_scalar()) {
      diags_.error(item.loc, item_path, "expected a duration");
      continue;
    }
    auto p = parse_duration(item.scalar);
    if (p.value) out.push_back(*p.value);
    else diags_.error(item.loc, item_path, p.error);
  }
  return out;
}

void ParamReader::finish() {
  if (!node_.is_map()) return;
  for (const auto& [key, value] : node_.entries) {
    if (std::find(consumed_.begin(), consumed_.end(), key) != consumed_.end()) continue;
    std::string msg = fmt::format("unknown key '{}'", key);
    const std::string guess = closest_match(key, known_);
    if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
    if (!known_.empty()) {
      std::vector<std::string> sorted = known_;
      std::sort(sorted.begin(), sorted.end());
      msg += fmt::format("; known keys: {}", fmt::join(sorted, ", "));
    }
    diags_.error(value.key_loc, path_, msg);
  }
}

}  // namespace lsim
