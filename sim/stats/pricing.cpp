// Loading and validating the price table (YAML -> PriceTable with located diagnostics), dates, and
// the INIT-billing rule. Sources: lambda-facts.md section 1.
#include "sim/stats/pricing.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "sim/core/diagnostics.hpp"

namespace lsim {

std::string_view to_string(Architecture arch) {
  switch (arch) {
    case Architecture::X86_64:
      return "x86_64";
    case Architecture::Arm64:
      return "arm64";
  }
  return "?";
}

std::optional<Architecture> parse_architecture(std::string_view text) {
  if (text == "x86_64") return Architecture::X86_64;
  if (text == "arm64") return Architecture::Arm64;
  return std::nullopt;
}

namespace {

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

std::optional<int> parse_digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = parse_digits(text.substr(0, 4));
  const auto m = parse_digits(text.substr(5, 2));
  const auto d = parse_digits(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m)) return std::nullopt;
  return Date{*y, *m, *d};
}

std::string to_string(Date date) {
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

bool init_is_billed(Date billing_date, std::string_view runtime, PackageType pkg,
                    bool provisioned) {
  if (billing_date >= kInitBillingChangeDate) return true;
  return runtime.starts_with("provided") || pkg == PackageType::Image || provisioned;
}

// ---------------------------------------------------------------------------------------------
// Price table loading.

namespace {

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

/// Reads one YAML document into a PriceTable's parts, collecting every problem in `diags_`.
class Loader {
 public:
  Loader(const std::string& origin, Diagnostics& diags) : origin_(origin), diags_(diags) {}

  SourceLoc loc(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.is_null()) return SourceLoc{origin_, 0, 0};
    return SourceLoc{origin_, m.line + 1, m.column + 1};
  }

  void error(const YAML::Node& at, const std::string& path, std::string message) {
    diags_.error(loc(at), path, std::move(message));
  }

  /// The entries of a mapping with a fixed set of keys. Reports unknown and duplicate keys (listing
  /// the known ones) and non-mappings. `get` then reports missing keys at the mapping itself.
  class Map {
   public:
    Map(Loader& ld, const YAML::Node& node, std::string path, std::vector<std::string> known)
        : ld_(ld), node_(node), path_(std::move(path)), known_(std::move(known)) {
      if (!node.IsMap()) {
        ld_.error(node, path_, fmt::format("expected a mapping with keys {}", join(known_)));
        ok_ = false;
        return;
      }
      for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
          ld_.error(key, path_, "keys must be plain names");
          continue;
        }
        const std::string& name = key.Scalar();
        bool is_known = false;
        for (const auto& k : known_) is_known = is_known || k == name;
        if (!is_known) {
          const std::string hint = closest_match(name, known_);
          ld_.error(key, child(name),
                    fmt::format("unknown key '{}'{} (known: {})", name,
                                hint.empty() ? "" : fmt::format(", did you mean '{}'?", hint),
                                join(known_)));
          continue;
        }
        if (!values_.emplace(name, it->second).second) {
          ld_.error(key, child(name), fmt::format("duplicate key '{}'", name));
        }
      }
    }

    /// The value of required key `key`; std::nullopt (after reporting) if absent or the node was
    /// not a mapping at all (already reported).
    std::optional<YAML::Node> get(const std::string& key) {
      if (!ok_) return std::nullopt;
      const auto it = values_.find(key);
      if (it == values_.end()) {
        ld_.error(node_, path_, fmt::format("missing required key '{}'", key));
        return std::nullopt;
      }
      return it->second;
    }

    /// The value of optional key `key`, or std::nullopt if absent.
    std::optional<YAML::Node> find(const std::string& key) const {
      const auto it = values_.find(key);
      if (it == values_.end()) return std::nullopt;
      return it->second;
    }

    std::string child(const std::string& key) const {
      return path_.empty() ? key : path_ + "." + key;
    }

   private:
    Loader& ld_;
    YAML::Node node_;
    std::string path_;
    std::vector<std::string> known_;
    std::map<std::string, YAML::Node> values_;
    bool ok_ = true;
  };

  /// A finite number; reports and returns std::nullopt otherwise.
  std::optional<double> number(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) {
      error(n, path, n.IsNull() ? "expected a number, got null" : "expected a number");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) {
      error(n, path, fmt::format("expected a finite number, got '{}'", s));
      return std::nullopt;
    }
    return v;
  }

  /// A number >= 0 (every price and allowance); reports otherwise.
  std::optional<double> non_negative(const YAML::Node& n, const std::string& path) {
    const auto v = number(n, path);
    if (v && *v < 0) {
      error(n, path, fmt::format("must not be negative, got {}", n.Scalar()));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> required_price(Map& m, const std::string& key) {
    const auto n = m.get(key);
    return n ? non_negative(*n, m.child(key)) : std::nullopt;
  }

  std::optional<std::vector<DurationTier>> tiers(const YAML::Node& n, const std::string& path) {
    if (!n.IsSequence() || n.size() == 0) {
      error(n, path,
            "expected a non-empty sequence of {up_to_gb_seconds, price_per_gb_second}, the last "
            "with up_to_gb_seconds: null");
      return std::nullopt;
    }
    std::vector<DurationTier> out;
    bool ok = true;
    double previous_bound = 0;
    const std::size_t count = n.size();
    for (std::size_t i = 0; i < count; ++i) {
      const YAML::Node item = n[i];
      const std::string item_path = fmt::format("{}[{}]", path, i);
      Map m(*this, item, item_path, {"up_to_gb_seconds", "price_per_gb_second"});
      const auto price = required_price(m, "price_per_gb_second");
      const auto bound_node = m.get("up_to_gb_seconds");
      ok = ok && price && bound_node;
      if (!bound_node) continue;
      const bool last = i + 1 == count;
      const std::string bound_path = m.child("up_to_gb_seconds");
      if (bound_node->IsNull()) {
        if (!last) {
          error(*bound_node, bound_path, "only the last tier may be unbounded (null)");
          ok = false;
        }
        if (price) out.push_back({std::numeric_limits<double>::infinity(), *price});
        continue;
      }
      const auto bound = number(*bound_node, bound_path);
      if (!bound) {
        ok = false;
        continue;
      }
      if (last) {
        error(*bound_node, bound_path,
              fmt::format("the last tier must be unbounded (up_to_gb_seconds: null), got {}",
                          bound_node->Scalar()));
        ok = false;
      }
      if (*bound <= previous_bound) {
        error(*bound_node, bound_path,
              i == 0 ? fmt::format("tier bounds must be positive, got {}", bound_node->Scalar())
                     : fmt::format("tier bounds must be strictly increasing, got {} after {}",
                                   bound_node->Scalar(), previous_bound));
        ok = false;
      }
      previous_bound = std::max(previous_bound, *bound);
      if (price) out.push_back({*bound, *price});
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<Prices> prices(const YAML::Node& n, const std::string& path) {
    Map m(*this, n, path,
          {"request", "duration_tiers", "provisioned_capacity", "provisioned_duration",
           "ephemeral_storage", "snapstart_cache", "snapstart_restore"});
    Prices p;
    bool ok = true;
    auto take = [&](const std::string& key, double& into) {
      const auto v = required_price(m, key);
      if (v) into = *v;
      ok = ok && v.has_value();
    };
    take("request", p.request);
    if (const auto t = m.get("duration_tiers")) {
      if (auto parsed = tiers(*t, m.child("duration_tiers"))) {
        p.duration_tiers = std::move(*parsed);
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    take("provisioned_capacity", p.provisioned_capacity);
    take("provisioned_duration", p.provisioned_duration);
    take("ephemeral_storage", p.ephemeral_storage);
    take("snapstart_cache", p.snapstart_cache);
    take("snapstart_restore", p.snapstart_restore);
    if (!ok) return std::nullopt;
    return p;
  }

 private:
  const std::string& origin_;
  Diagnostics& diags_;
};

}  // namespace

PriceTable PriceTable::parse(std::string_view yaml_text, const std::string& origin) {
  Diagnostics diags;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    SourceLoc where{origin, 0, 0};
    if (!e.mark.is_null()) where = SourceLoc{origin, e.mark.line + 1, e.mark.column + 1};
    throw ScenarioError(where, "", fmt::format("invalid YAML: {}", e.msg));
  }

  PriceTable table;
  table.origin_ = origin;
  Loader ld(origin, diags);
  if (!root.IsDefined() || root.IsNull()) {
    diags.error(
        SourceLoc{origin, 0, 0}, "",
        "the price table is empty; expected keys effective_date, sources, free_tier, regions");
    throw ScenarioError(std::move(diags));
  }

  Loader::Map top(ld, root, "", {"effective_date", "sources", "free_tier", "regions"});

  if (const auto n = top.get("effective_date")) {
    const std::optional<Date> d = n->IsScalar() ? parse_date(n->Scalar()) : std::optional<Date>{};
    if (d) {
      table.effective_date_ = to_string(*d);
    } else {
      ld.error(*n, "effective_date", "expected a date YYYY-MM-DD that exists");
    }
  }

  if (const auto n = top.find("sources")) {
    if (!n->IsSequence()) {
      ld.error(*n, "sources", "expected a sequence of strings");
    } else {
      for (std::size_t i = 0; i < n->size(); ++i) {
        const YAML::Node item = (*n)[i];
        if (item.IsScalar()) {
          table.sources_.push_back(item.Scalar());
        } else {
          ld.error(item, fmt::format("sources[{}]", i), "expected a string");
        }
      }
    }
  }

  if (const auto n = top.get("free_tier")) {
    Loader::Map ft(ld, *n, "free_tier", {"requests", "gb_seconds"});
    if (const auto v = ld.required_price(ft, "requests")) table.free_tier_.requests = *v;
    if (const auto v = ld.required_price(ft, "gb_seconds")) table.free_tier_.gb_seconds = *v;
  }

  if (const auto regions = top.get("regions")) {
    if (!regions->IsMap() || regions->size() == 0) {
      ld.error(*regions, "regions",
               "expected a mapping from region names (e.g. us-east-1) to x86_64/arm64 prices");
    } else {
      for (auto it = regions->begin(); it != regions->end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar() || key.Scalar().empty()) {
          ld.error(key, "regions", "region names must be plain strings");
          continue;
        }
        const std::string& name = key.Scalar();
        const std::string path = "regions." + name;
        if (table.regions_.contains(name)) {
          ld.error(key, path, fmt::format("duplicate region '{}'", name));
          continue;
        }
        RegionPrices& rp = table.regions_[name];
        Loader::Map archs(ld, it->second, path, {"x86_64", "arm64"});
        const auto x86 = archs.find("x86_64");
        const auto arm = archs.find("arm64");
        if (it->second.IsMap() && !x86 && !arm) {
          ld.error(it->second, path, "a region needs prices for x86_64, arm64 or both");
        }
        if (x86) rp.x86_64 = ld.prices(*x86, path + ".x86_64");
        if (arm) rp.arm64 = ld.prices(*arm, path + ".arm64");
      }
    }
  }

  if (diags.has_errors()) throw ScenarioError(std::move(diags));
  return table;
}

const Prices* PriceTable::find(std::string_view region, Architecture arch) const {
  const auto it = regions_.find(region);
  if (it == regions_.end()) return nullptr;
  const std::optional<Prices>& p =
      arch == Architecture::X86_64 ? it->second.x86_64 : it->second.arm64;
  return p ? &*p : nullptr;
}

std::vector<std::string> PriceTable::regions() const {
  std::vector<std::string> out;
  out.reserve(regions_.size());
  for (const auto& [name, prices] : regions_) out.push_back(name);
  return out;
}

}  // namespace lsim
