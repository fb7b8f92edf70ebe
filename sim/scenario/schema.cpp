// The scenario JSON Schema. The model keys are generated from the registries, so they cannot
// drift; everything else mirrors what sim/scenario/load.cpp hard-codes (its keys, their order,
// ranges and defaults) and must be kept in step with it: tests/sim/scenario/schema_test.cpp
// checks every key listed here against the loader.
#include "sim/scenario/schema.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/lambda/cpu_share.hpp"
#include "sim/scenario/config_node.hpp"

namespace lsim {
namespace {

// ---------------------------------------------------------------------------------------------
// A minimal ordered JSON value and its pretty printer (members keep their insertion order, so
// the output is deterministic and reads in the order of load.cpp).

class Json {
 public:
  using Member = std::pair<std::string, Json>;

  // Implicit on purpose: `{"type", "string"}`, `{"minimum", 0}` read like the JSON they build.
  Json(bool b) : kind_(Kind::Bool), bool_(b) {}
  Json(int i) : kind_(Kind::Int), int_(i) {}
  Json(double d) : kind_(Kind::Double), double_(d) {}
  Json(const char* s) : kind_(Kind::String), string_(s) {}
  Json(std::string s) : kind_(Kind::String), string_(std::move(s)) {}

  static Json object(std::initializer_list<Member> members = {}) {
    Json j(Kind::Object);
    j.members_.assign(members.begin(), members.end());
    return j;
  }
  static Json array(std::initializer_list<Json> items = {}) {
    Json j(Kind::Array);
    j.items_.assign(items.begin(), items.end());
    return j;
  }

  Json& add(std::string key, Json value) {  // objects
    members_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Json& push(Json value) {  // arrays
    items_.push_back(std::move(value));
    return *this;
  }
  [[nodiscard]] bool empty() const { return items_.empty() && members_.empty(); }

  /// Appends the value to `out`; `indent` is the indentation of the line it starts on.
  void write(std::string& out, int indent) const {
    switch (kind_) {
      case Kind::Bool:
        out += bool_ ? "true" : "false";
        return;
      case Kind::Int:
        out += fmt::format("{}", int_);
        return;
      case Kind::Double:
        out += fmt::format("{}", double_);  // shortest round-trip form: 0.25
        return;
      case Kind::String:
        write_string(out, string_);
        return;
      case Kind::Array:
        write_array(out, indent);
        return;
      case Kind::Object:
        write_object(out, indent);
        return;
    }
  }

 private:
  enum class Kind { Bool, Int, Double, String, Array, Object };
  explicit Json(Kind k) : kind_(k) {}

  [[nodiscard]] bool is_scalar() const { return kind_ != Kind::Array && kind_ != Kind::Object; }

  // Short arrays of scalars (`"required": ["type", "rate"]`) stay on one line.
  void write_array(std::string& out, int indent) const {
    if (items_.empty()) {
      out += "[]";
      return;
    }
    bool scalars = true;
    for (const Json& i : items_) scalars = scalars && i.is_scalar();
    if (scalars) {
      std::string line = "[";
      for (std::size_t n = 0; n < items_.size(); ++n) {
        if (n > 0) line += ", ";
        items_[n].write(line, 0);
      }
      line += "]";
      if (line.size() <= 72) {
        out += line;
        return;
      }
    }
    const std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
    out += "[\n";
    for (std::size_t n = 0; n < items_.size(); ++n) {
      out += pad;
      items_[n].write(out, indent + 2);
      out += n + 1 < items_.size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<std::size_t>(indent), ' ') + "]";
  }

  void write_object(std::string& out, int indent) const {
    if (members_.empty()) {
      out += "{}";
      return;
    }
    const std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
    out += "{\n";
    for (std::size_t n = 0; n < members_.size(); ++n) {
      out += pad;
      write_string(out, members_[n].first);
      out += ": ";
      members_[n].second.write(out, indent + 2);
      out += n + 1 < members_.size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<std::size_t>(indent), ' ') + "}";
  }

  // RFC 8259 string: quotes, backslashes and control characters escaped; valid UTF-8 is kept
  // as is, and a byte that is not part of valid UTF-8 becomes U+FFFD so the file stays valid.
  static void write_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        switch (c) {
          case '"':
            out += "\\\"";
            break;
          case '\\':
            out += "\\\\";
            break;
          case '\b':
            out += "\\b";
            break;
          case '\f':
            out += "\\f";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\r':
            out += "\\r";
            break;
          case '\t':
            out += "\\t";
            break;
          default:
            if (c < 0x20)
              out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
              out += static_cast<char>(c);
        }
        ++i;
        continue;
      }
      const std::size_t len = utf8_sequence_length(s.substr(i));
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
    }
    out += '"';
  }

  // Length of the well-formed UTF-8 sequence starting `s` (non-ASCII lead byte), or 0.
  static std::size_t utf8_sequence_length(std::string_view s) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned lead = b(0);
    // Sequence length and the allowed range of the second byte (RFC 3629, section 4).
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      len = 3;
      if (lead == 0xE0) lo = 0xA0;  // no overlong forms
      if (lead == 0xED) hi = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      len = 4;
      if (lead == 0xF0) lo = 0x90;  // no overlong forms
      if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return 0;
    }
    if (s.size() < len || b(1) < lo || b(1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k)
      if (b(k) < 0x80 || b(k) > 0xBF) return 0;
    return len;
  }

  Kind kind_;
  bool bool_ = false;
  std::int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

// ---------------------------------------------------------------------------------------------
// The unit grammars of sim/core/units.cpp as ECMAScript regular expressions (the dialect of JSON
// Schema's `pattern`), in one place. split_number() trims C-locale white space, reads an optional
// sign, a mantissa of digits with at most one '.' and with '_' anywhere in it (ignored), an
// optional exponent, then the unit after optional white space. The patterns accept exactly that
// syntax, including that a negative value is an error but -0 is zero; what they leave to the
// loader is magnitude (at most 1e9 s, 1e9/s; memory a whole number of MB).

constexpr const char* kWs = R"([ \t\n\v\f\r]*)";
constexpr const char* kMantissa = R"(_*(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]*[0-9][0-9_]*))";
constexpr const char* kZeroMantissa = R"(_*(?:0[0_]*(?:\.[0_]*)?|\.[0_]*0[0_]*))";
constexpr const char* kExponent = R"((?:[eE][+-]?[0-9]+)?)";

// A quantity >= 0 with one of `units` (an alternation), or a bare zero when `bare_zero`.
std::string quantity_pattern(std::string_view units, bool bare_zero) {
  const std::string with_unit = fmt::format(
      R"((?:\+?{m}|-{z}){e}{ws}(?:{u}))", fmt::arg("m", kMantissa), fmt::arg("z", kZeroMantissa),
      fmt::arg("e", kExponent), fmt::arg("ws", kWs), fmt::arg("u", units));
  if (!bare_zero)
    return fmt::format("^{ws}{q}{ws}$", fmt::arg("ws", kWs), fmt::arg("q", with_unit));
  return fmt::format("^{ws}(?:{q}|[+-]?{z}{e}){ws}$", fmt::arg("ws", kWs), fmt::arg("q", with_unit),
                     fmt::arg("z", kZeroMantissa), fmt::arg("e", kExponent));
}

// parse_duration(): us, µs, ms, s, sec, m, min, h, d; a bare 0.
const std::string& duration_pattern() {
  static const std::string p = quantity_pattern("us|µs|ms|s|sec|m|min|h|d", true);
  return p;
}
// parse_rate_per_s(): /s, /m, /min, /h, /d; a bare 0.
const std::string& rate_pattern() {
  static const std::string p = quantity_pattern("/s|/m|/min|/h|/d", true);
  return p;
}
// parse_memory_mb(): MB, GB, or a bare number of MB.
const std::string& memory_pattern() {
  static const std::string p = quantity_pattern("MB|GB|", false);
  return p;
}
// valid_function_name() (load.hpp): 1-64 ASCII letters, digits, '-' or '_'.
constexpr const char* kFunctionNamePattern = "^[A-Za-z0-9_-]{1,64}$";
// Loader::is_version_name and the alias-name rule in Loader::read_versions.
constexpr const char* kVersionPattern = "^[1-9][0-9]{0,9}$";
constexpr const char* kWeightKeyPattern = "^([1-9][0-9]{0,9}|provisioned)$";
constexpr const char* kAliasPattern = "^(?![0-9]+$)[A-Za-z0-9_-]{1,64}$";
constexpr const char* kTargetPattern =
    "^[A-Za-z0-9_-]{1,64}(:([1-9][0-9]{0,9}|\\$LATEST|[A-Za-z0-9_-]{1,64}))?$";
// parse_date() (sim/stats/pricing.cpp): YYYY-MM-DD; days per month are left to the loader.
constexpr const char* kDatePattern = "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$";
// The schedule arrival model's cron: five fields of `0-9A-Za-z*?,/-`; their values are left to
// the loader.
constexpr const char* kCronPattern = R"(^\s*[0-9A-Za-z*?,/-]+(?:\s+[0-9A-Za-z*?,/-]+){4}\s*$)";

// ---------------------------------------------------------------------------------------------
// Property schemas by kind of value. A YAML language server types a plain `0` or `512` as a
// number, so quantities that may be written without a unit also accept numbers: a duration or
// rate only 0, a memory size in MB within `min_mb`..`max_mb`.

Json described(const std::string& description) {
  Json j = Json::object();
  if (!description.empty()) j.add("description", description);
  return j;
}

// `positive`: the loader requires > 0, so the bare 0 is not offered.
Json duration_schema(const std::string& description, bool positive = false) {
  Json j = described(description);
  if (positive) {
    j.add("type", "string");
  } else {
    j.add("type", Json::array({"string", "number"}));
  }
  j.add("pattern", duration_pattern());
  j.add("patternErrorMessage",
        positive ? "a duration with its unit: 250us, 120ms, 1.5s, 10m (or 10min), 2h, 1d"
                 : "a duration with its unit: 250us, 120ms, 1.5s, 10m (or 10min), 2h, 1d; or 0");
  if (!positive) j.add("minimum", 0).add("maximum", 0);
  return j;
}

Json rate_schema(const std::string& description) {
  Json j = described(description);
  j.add("type", Json::array({"string", "number"}));
  j.add("pattern", rate_pattern());
  j.add("patternErrorMessage", "a rate with its unit: 20/s, 1200/m (or /min), 5/h, 100/d; or 0");
  j.add("minimum", 0).add("maximum", 0);
  return j;
}

Json memory_schema(const std::string& description, int min_mb, int max_mb) {
  Json j = described(description);
  j.add("type", Json::array({"string", "number"}));
  j.add("pattern", memory_pattern());
  j.add("patternErrorMessage", "a memory size: 512MB, 1GB (= 1024MB), or a bare number of MB");
  j.add("minimum", min_mb).add("maximum", max_mb);
  return j;
}

Json integer_schema(const std::string& description, int minimum, int maximum) {
  Json j = described(description);
  j.add("type", "integer").add("minimum", minimum).add("maximum", maximum);
  return j;
}

Json number_schema(const std::string& description, int minimum, int maximum) {
  Json j = described(description);
  j.add("type", "number").add("minimum", minimum).add("maximum", maximum);
  return j;
}

Json number_schema(const std::string& description, double minimum, double maximum) {
  Json j = described(description);
  j.add("type", "number").add("minimum", minimum).add("maximum", maximum);
  return j;
}

Json enum_schema(const std::string& description, std::initializer_list<Json> values) {
  Json j = described(description);
  j.add("type", "string").add("enum", Json::array(values));
  return j;
}

// ParamReader::boolean_or: true/false, or yes/no/on/off (which YAML 1.2 reads as strings).
Json boolean_schema(const std::string& description) {
  Json j = described(description);
  j.add("anyOf", Json::array({Json::object({{"type", "boolean"}}),
                              enum_schema("", {"yes", "no", "on", "off"})}));
  return j;
}

Json string_schema(const std::string& description) {
  Json j = described(description);
  j.add("type", "string");
  return j;
}

// A model parameter, typed by ParamDoc::unit; described as `lambdasim models` lists it.
Json param_schema(const ParamDoc& p) {
  const std::string dflt =
      p.default_value.empty() || p.default_value == "-" ? "none" : p.default_value;
  const std::string description =
      fmt::format("{}. Unit: {}. Default: {}.", p.meaning, p.unit, dflt);
  if (p.unit == "duration") return duration_schema(description);
  if (p.unit.starts_with("rate")) return rate_schema(description);
  if (p.unit == "number") return described(description).add("type", "number");
  if (p.unit == "integer") return described(description).add("type", "integer");
  if (p.unit == "list of durations")
    return described(description).add("type", "array").add("items", duration_schema(""));
  if (p.unit == "boolean") return boolean_schema(description);
  if (p.unit == "runtime")
    return string_schema(description)
        .add("examples", Json::array({"python3.12", "nodejs22.x", "java21", "dotnet8"}));
  if (p.unit == "architecture") return enum_schema(description, {"x86_64", "arm64"});
  if (p.unit == "package type") return enum_schema(description, {"zip", "image"});
  if (p.unit == "date")
    return string_schema(description)
        .add("pattern", kDatePattern)
        .add("patternErrorMessage", "a date: YYYY-MM-DD");
  // The examples of list-valued units fit together (mmpp: two states), so a model's required
  // keys filled from them load.
  if (p.unit == "cron expression")
    return string_schema(description)
        .add("pattern", kCronPattern)
        .add("patternErrorMessage", "five fields: minute hour day-of-month month day-of-week")
        .add("examples", Json::array({"*/5 * * * *", "0 9-17 * * MON-FRI"}));
  if (p.unit == "list of rates")
    return described(description)
        .add("type", "array")
        .add("minItems", 1)
        .add("items", rate_schema(""))
        .add("examples", Json::array({Json::array({"1/s", "20/s"})}));
  if (p.unit == "matrix of rates") {
    Json row = described("").add("type", "array").add("items", rate_schema(""));
    return described(description)
        .add("type", "array")
        .add("minItems", 1)
        .add("items", std::move(row))
        .add("examples",
             Json::array({Json::array({Json::array({0, "1/m"}), Json::array({"1/m", 0})})}));
  }
  if (p.unit == "list of [time, rate]") {
    Json point =
        described("")
            .add("type", "array")
            .add("minItems", 2)
            .add("maxItems", 2)
            .add("items",
                 Json::object({{"anyOf", Json::array({duration_schema(""), rate_schema("")})}}));
    return described(description)
        .add("type", "array")
        .add("minItems", 1)
        .add("items", std::move(point))
        .add(
            "examples",
            Json::array({Json::array({Json::array({"0s", "5/s"}), Json::array({"10m", "50/s"})})}));
  }
  // A unit this generator does not know: accept any scalar rather than reject valid input.
  return described(description).add("type", Json::array({"string", "number"}));
}

// Whether the bare name `type` is a valid model, asked of the registry the way the loader asks it
// (a factory draws nothing and has no effect when it builds). ParamDoc cannot say it: "either pair"
// parameters (lognormal) have no default, yet none of them is required on its own.
template <class Interface>
bool builds_without_parameters(const Registry<Interface>& registry, const std::string& type) {
  ConfigNode bare;
  bare.kind = ConfigNode::Kind::Scalar;
  bare.scalar = type;
  Diagnostics ignored;
  return registry.make(bare, "schema", ignored, RngStream::derive(0, 0, "schema")) != nullptr;
}

// A model key: one alternative per registered type (a mapping with `type:` and its parameters),
// plus the bare type name for the types that need no parameter (`reuse: mru`).
template <class Interface>
Json model_schema(const Registry<Interface>& registry, const std::string& description) {
  Json alternatives = Json::array();
  Json shorthand = Json::array();
  for (const ModelEntry<Interface>& e : registry.entries()) {
    Json properties = Json::object();
    properties.add("type", Json::object({{"description", e.summary}, {"const", e.type}}));
    Json required = Json::array({"type"});
    for (const ParamDoc& p : e.params) {
      properties.add(p.key, param_schema(p));
      if (p.default_value == "required") required.push(p.key);
    }
    alternatives.push(Json::object({{"description", fmt::format("{}: {}", e.type, e.summary)},
                                    {"type", "object"},
                                    {"properties", std::move(properties)},
                                    {"required", std::move(required)},
                                    {"additionalProperties", false}}));
    if (builds_without_parameters(registry, e.type)) shorthand.push(e.type);
  }
  if (!shorthand.empty())
    alternatives.push(Json::object({{"description", "the bare type name, short for {type: <name>}"},
                                    {"type", "string"},
                                    {"enum", std::move(shorthand)}}));
  std::string types;
  for (const std::string& t : registry.known_types()) types += (types.empty() ? "" : ", ") + t;
  return Json::object(
      {{"description",
        fmt::format("{}: a mapping with `type:` ({}) and its parameters; see `lambdasim models`.",
                    description, types)},
       {"anyOf", std::move(alternatives)}});
}

// Runtimes load.cpp knows (kKnownRuntimes); others are only a warning, so they are examples for
// completion, not an enum.
Json runtime_examples() {
  return Json::array({"nodejs18.x", "nodejs20.x",   "nodejs22.x",     "nodejs24.x", "python3.9",
                      "python3.10", "python3.11",   "python3.12",     "python3.13", "python3.14",
                      "java8.al2",  "java11",       "java17",         "java21",     "java25",
                      "dotnet8",    "dotnet10",     "ruby3.2",        "ruby3.3",    "ruby3.4",
                      "provided",   "provided.al2", "provided.al2023"});
}

// Objects are closed: an unknown key is an error in the loader (ParamReader::finish), here too.
Json closed_object(const std::string& description, Json properties, Json required) {
  Json j = described(description);
  j.add("type", "object").add("properties", std::move(properties));
  if (!required.empty()) j.add("required", std::move(required));
  j.add("additionalProperties", false);
  return j;
}

}  // namespace

std::string scenario_json_schema(const Registries& registries) {
  // Keys, order, ranges and defaults as in sim/scenario/load.cpp (Loader::load, read_account,
  // read_pricing, read_functions, read_workloads) and the defaults in sim/scenario/spec.hpp.
  Json account = closed_object(
      "Account-wide limits.",
      Json::object({{"concurrency_limit",
                     integer_schema("Concurrent executions allowed in the region, 1 to 10,000,000 "
                                    "(default 1000); 100 of them must stay unreserved.",
                                    1, 10'000'000)},
                    {"init_limit",
                     duration_schema("An on-demand INIT longer than this is stopped and run again "
                                     "inside the first invocation, where the function timeout "
                                     "bounds it (\"suppressed init\"). More than 0 (default 10s).",
                                     true)}}),
      Json::array());

  Json free_tier =
      boolean_schema("Whether the monthly free tier is subtracted from the bill (default false).");
  Json date = string_schema(
      "Billing date, YYYY-MM-DD (default: the price table's effective date); it decides whether "
      "INIT time is billed.");
  date.add("pattern", kDatePattern).add("patternErrorMessage", "a date: YYYY-MM-DD");
  Json pricing = closed_object(
      "How the bill is computed.",
      Json::object({{"region", string_schema("AWS region whose prices apply (default us-east-1).")},
                    {"date", std::move(date)},
                    {"free_tier", std::move(free_tier)},
                    {"table", string_schema("A price table (YAML) to use instead of the built-in "
                                            "one; a relative path is relative to the scenario "
                                            "file.")}}),
      Json::array());

  // The settings a version may override (FunctionSettings, read by Loader::read_settings).
  auto settings = [&](bool base) {
    Json runtime = string_schema(
        "Lambda runtime identifier (default python3.12). An unknown runtime is only a warning; "
        "INIT billing then treats it as a managed runtime.");
    runtime.add("examples", runtime_examples());
    Json p = Json::object();
    p.add("runtime", std::move(runtime));
    p.add("architecture",
          enum_schema("Instruction set architecture (default x86_64).", {"x86_64", "arm64"}));
    p.add("package_type", enum_schema("Deployment package type (default zip).", {"zip", "image"}));
    // kMinEphemeralMb..kMaxEphemeralMb and kMaxTimeout in load.cpp
    p.add("memory", memory_schema("Memory size, 128MB to 10240MB (10GB); a bare number is MB "
                                  "(default 128MB). CPU and price scale with it.",
                                  kMinMemoryMb, kMaxMemoryMb));
    p.add("ephemeral_storage",
          memory_schema("Size of /tmp, 512MB to 10240MB (default 512MB, the part that is free).",
                        512, 10240));
    p.add("timeout", duration_schema("Longest an invocation may run: more than 0, at most 900s "
                                     "(default 3s).",
                                     true));
    p.add("error_probability",
          number_schema("Chance that an execution ends in a handled error: billed, counted as "
                        "failed, the environment is kept; async events are retried. 0 to 1 "
                        "(default 0).",
                        0, 1));
    p.add("crash_probability",
          number_schema("Chance of an unhandled error that ends the runtime: billed, failed, the "
                        "environment is reset. 0 to 1, and at most 1 - error_probability "
                        "(default 0).",
                        0, 1));
    p.add("memory_scaling",
          closed_object(
              "Scale the duration model, measured at reference_memory, to the configured memory: "
              "times scale by (1 - cpu_bound) + cpu_bound * (s_ref/s)^exponent, where s = "
              "min(memory / 1769MB, 6, threads) vCPUs (default: none, the models describe the "
              "configured memory).",
              Json::object(
                  {{"reference_memory",
                    memory_schema("The memory size at which the duration model was measured, "
                                  "128MB to 10240MB (required).",
                                  kMinMemoryMb, kMaxMemoryMb)},
                   {"cpu_bound", number_schema("The CPU-bound fraction of the duration, 0 to 1 "
                                               "(default 1).",
                                               0, 1)},
                   {"threads", number_schema("Threads the function can keep busy, 1 to 64 "
                                             "(default 1).",
                                             1, 64)},
                   {"exponent",
                    number_schema("How steeply the CPU-bound part slows down as the CPU share "
                                  "falls, 0.25 to 4 (default 1: time proportional to 1/vCPUs, "
                                  "the documented CPU allocation; calibrate fits it to measured "
                                  "sizes).",
                                  kMinScalingExponent, kMaxScalingExponent)},
                   {"cold_start", boolean_schema("Whether INIT times scale too (default "
                                                 "false).")}}),
              Json::array({"reference_memory"})));
    p.add("duration", model_schema(registries.duration, base ? "Execution time of an invocation "
                                                               "(required)"
                                                             : "Execution time of an invocation"));
    p.add("cold_start", model_schema(registries.cold_start,
                                     base ? "INIT time of a new execution environment (required)"
                                          : "INIT time of a new execution environment"));
    p.add("keep_alive",
          model_schema(registries.keep_alive,
                       "When an idle execution environment is reclaimed (default {type: fixed, "
                       "idle: 10m, max_lifetime: 2h})"));
    p.add("reuse", model_schema(registries.reuse,
                                "Which idle execution environment serves an invocation "
                                "(default mru)"));
    Json max_retries = described(
        "Retries after a function error or timeout: 0, 1 or 2 (default 2), 1 min then 2 min "
        "apart.");
    max_retries.add("type", "integer").add("minimum", 0).add("maximum", 2);
    p.add("async",
          closed_object("Asynchronous invocation settings (MaximumRetryAttempts, "
                        "MaximumEventAgeInSeconds).",
                        Json::object({{"max_retries", std::move(max_retries)},
                                      {"max_event_age",
                                       duration_schema("Events older than this are dropped (sent "
                                                       "to the failure destination): 60s to 6h "
                                                       "(default 6h).",
                                                       true)
                                           .add("examples", Json::array({"6h"}))}}),
                        Json::array()));
    p.add("snapstart",
          closed_object(
              "SnapStart (Java 11+, Python 3.12+, .NET 8+; not container images): a restore from "
              "a snapshot replaces INIT.",
              Json::object(
                  {{"enabled", boolean_schema("Whether SnapStart is on (default true).")},
                   {"restore", model_schema(registries.cold_start,
                                            "Restore Duration of a new environment (required)")},
                   {"billed_fraction",
                    number_schema("Part of the restore that is Billed Restore Duration (runtime "
                                  "load and after-restore hooks), 0 to 1 (default 1).",
                                  0, 1)}}),
              Json::array({"restore"})));
    p.add("first_invocation",
          closed_object(
              "An extra on the first execution in each environment (JIT warm-up), scaled by CPU "
              "share.",
              Json::object({{"extra", model_schema(registries.duration,
                                                   "The extra time at reference_memory "
                                                   "(required)")},
                            {"reference_memory",
                             memory_schema("Memory at which `extra` was measured (default: the "
                                           "function's memory).",
                                           kMinMemoryMb, kMaxMemoryMb)}}),
              Json::array({"extra"})));
    return p;
  };

  Json name =
      string_schema("Function name: 1-64 letters, digits, '-' or '_', unique in the scenario.");
  name.add("pattern", kFunctionNamePattern)
      .add("patternErrorMessage", "1-64 letters, digits, '-' or '_' (as AWS function names)");
  Json function_properties = settings(true);
  function_properties.add("name", std::move(name));
  function_properties.add(
      "reserved_concurrency",
      integer_schema("Reserved concurrency: both a cap and a floor for this function (all its "
                     "versions), 0 to the account's limit (default: none, the function shares the "
                     "unreserved pool).",
                     0, 10'000'000));
  function_properties.add("scaling", model_schema(registries.scaling,
                                                  "How fast the function may add execution "
                                                  "environments (default token_bucket: 1,000 per "
                                                  "10 s)"));
  // Provisioned concurrency (Loader::read_provisioned): one closed object per type.
  auto provisioned = [&] {
    auto common = [](Json p) {
      p.add("ready_at_start", boolean_schema("Allocated and initialised before the run starts "
                                             "(default false)."));
      p.add("preparation", duration_schema("Delay before allocation starts (default 90s: \"a "
                                           "minute or two\")."));
      p.add("allocation_burst", integer_schema("Environments that may start INIT at once "
                                               "(default 3000).",
                                               0, 1'000'000));
      p.add("allocation_rate", rate_schema("Environments starting INIT per unit of time after "
                                           "the burst (default 500/m)."));
      return p;
    };
    auto step = [](bool tracking) {
      Json alternatives = Json::array();
      for (const bool daily : {false, true}) {
        Json p = Json::object();
        if (daily) {
          Json d = string_schema("Every day at this UTC time of day, HH:MM (day 0 starts at "
                                 "time 0).");
          d.add("pattern", "^([01][0-9]|2[0-3]):[0-5][0-9]$");
          p.add("daily", std::move(d));
        } else {
          p.add("at", duration_schema("Once, at this simulated time."));
        }
        if (tracking) {
          p.add("min", integer_schema("Minimum capacity from then on.", 0, 1'000'000));
          p.add("max", integer_schema("Maximum capacity from then on.", 0, 1'000'000));
        } else {
          p.add("concurrency", integer_schema("Configured concurrency from then on.", 0, 1'000'000));
        }
        alternatives.push(closed_object(daily ? "A daily step." : "A one-off step.", std::move(p),
                                        tracking ? Json::array({daily ? "daily" : "at"})
                                                 : Json::array({daily ? "daily" : "at",
                                                                "concurrency"})));
      }
      Json j = described("");
      j.add("anyOf", std::move(alternatives));
      return j;
    };
    Json alternatives = Json::array();
    {
      Json p = Json::object();
      p.add("type", Json::object({{"const", "static"}}));
      p.add("concurrency", integer_schema("Configured concurrency.", 0, 1'000'000));
      alternatives.push(closed_object("static: a fixed number of environments.", common(std::move(p)),
                                      Json::array({"type", "concurrency"})));
    }
    {
      Json p = Json::object();
      p.add("type", Json::object({{"const", "schedule"}}));
      p.add("steps", described("Scheduled actions, in any order.")
                         .add("type", "array")
                         .add("items", step(false)));
      alternatives.push(closed_object("schedule: concurrency set at times of day or run time.",
                                      common(std::move(p)), Json::array({"type", "steps"})));
    }
    {
      Json p = Json::object();
      p.add("type", Json::object({{"const", "target_tracking"}}));
      p.add("target", number_schema("Utilisation to hold, 0.1 to 0.9 (default 0.7).", 0, 1));
      p.add("min", integer_schema("Minimum capacity (default 0).", 0, 1'000'000));
      p.add("max", integer_schema("Maximum capacity (required).", 0, 1'000'000));
      p.add("schedule", described("Scheduled actions moving min and max.")
                            .add("type", "array")
                            .add("items", step(true)));
      alternatives.push(closed_object(
          "target_tracking: Application Auto Scaling on ProvisionedConcurrencyUtilization.",
          common(std::move(p)), Json::array({"type", "max"})));
    }
    Json j = described("Provisioned concurrency of this version (not $LATEST).");
    j.add("anyOf", std::move(alternatives));
    return j;
  };
  Json version_properties = settings(false);
  version_properties.add("provisioned", provisioned());
  Json version = closed_object("A published version: any setting here overrides the function's.",
                               std::move(version_properties), Json::array());
  Json versions = described(
      "Published versions, by number (\"1\", \"2\", ...), each with its own execution "
      "environments; the function's own settings are $LATEST.");
  versions.add("type", "object")
      .add("propertyNames", Json::object({{"pattern", kVersionPattern}}))
      .add("additionalProperties", std::move(version));
  Json weights = described(
      "Weights by version: one version, or two whose weights add up to 1; `provisioned` gives "
      "the alias's version provisioned concurrency (one version only).");
  weights.add("type", "object")
      .add("properties", Json::object({{"provisioned", provisioned()}}))
      .add("propertyNames", Json::object({{"pattern", kWeightKeyPattern}}))
      .add("minProperties", 1)
      .add("maxProperties", 3)
      .add("additionalProperties", number_schema("Share of the traffic, 0 to 1.", 0, 1));
  Json one = described("The one version the alias points to (\"2\", or 2).");
  one.add("type", Json::array({"string", "integer"}))
      .add("pattern", kVersionPattern)
      .add("minimum", 1);
  Json alias = described("A version, or weights splitting traffic between two versions.");
  alias.add("anyOf", Json::array({std::move(one), std::move(weights)}));
  Json aliases = described("Aliases (not all digits) routing to one version or two by weight.");
  aliases.add("type", "object")
      .add("propertyNames", Json::object({{"pattern", kAliasPattern}}))
      .add("additionalProperties", std::move(alias));
  function_properties.add("versions", std::move(versions));
  function_properties.add("aliases", std::move(aliases));
  Json function = closed_object("A Lambda function.", std::move(function_properties),
                                Json::array({"name", "duration", "cold_start"}));

  // Loader::read_source.
  auto source_schema = [&] {
    Json type = enum_schema("What triggers the invocations: direct or function_url (sync), "
                            "api_gateway (sync, with its integration timeout), s3, sns, "
                            "eventbridge or schedule (async), sqs, kinesis or dynamodb_stream "
                            "(an event source mapping: the arrivals are records, invoked in "
                            "batches).",
                            {"direct", "function_url", "api_gateway", "s3", "sns", "eventbridge",
                             "schedule", "sqs", "kinesis", "dynamodb_stream"});
    Json full = closed_object(
        "The event source.",
        Json::object(
            {{"type", type},
             {"api", enum_schema("API Gateway: rest (default) or http.", {"rest", "http"})},
             {"integration_timeout",
              duration_schema("API Gateway: the caller gets 504 after this (default 29s for "
                              "REST, 30s for HTTP APIs, the most an HTTP API allows).",
                              true)
                  .add("examples", Json::array({"29s"}))},
             {"overhead", model_schema(registries.duration,
                                       "API Gateway: latency it adds to each request")},
             {"batch_size", integer_schema("Mappings: records per batch at most (SQS 1–10000, "
                                           "default 10; Kinesis 1–10000 and DynamoDB 1–1000, "
                                           "default 100).",
                                           1, 10000)},
             {"batching_window", duration_schema("Mappings: how long a partial batch waits for "
                                                 "more records (0s–300s, default 0s; SQS needs "
                                                 "at least 1s above a batch size of 10).")},
             {"record_duration", model_schema(registries.duration,
                                              "Mappings: time the function spends per record of "
                                              "a batch, added to its duration")},
             {"visibility_timeout", duration_schema("SQS: how long a received message stays "
                                                    "invisible; a failed batch's messages return "
                                                    "after it (0s–12h, default 30s; at least the "
                                                    "function timeout).")},
             {"retention", duration_schema("SQS: messages are deleted after this (60s–14 days, "
                                           "default 4 days); streams: records expire (24h "
                                           "default, Kinesis up to 365 days).")},
             {"max_receive_count", integer_schema("SQS: receives before a message moves to the "
                                                  "dead-letter queue (1–1000; absent: no DLQ).",
                                                  1, 1000)},
             {"max_concurrency", integer_schema("SQS: the mapping's maximum concurrency, batches "
                                                "invoked at once (2–1000; absent: not set).",
                                                2, 1000)},
             {"max_pollers", integer_schema("SQS: concurrent batches the mapping reaches at most "
                                            "(default 1000, as documented).",
                                            1, 100000)},
             {"initial_pollers", integer_schema("SQS: concurrent batches when messages appear "
                                                "(default 5, as documented).",
                                                1, 1000)},
             {"poller_growth_per_minute",
              number_schema("SQS: concurrent batches added per minute while messages wait "
                            "(default 300, as documented).",
                            0, 1000000)
                  .add("exclusiveMinimum", 0)},
             {"shards", integer_schema("Streams: shards (default 1).", 1, 10000)},
             {"parallelization_factor",
              integer_schema("Streams: concurrent batches per shard (1–10, default 1).", 1, 10)},
             {"max_retries", integer_schema("Streams: retries of a failed batch before it is "
                                            "discarded (-1, the default: until its records "
                                            "expire).",
                                            -1, 10000)},
             {"max_record_age", duration_schema("Streams: older records are discarded, not "
                                                "processed (60s–7 days; absent: no limit).")},
             {"poll_interval", duration_schema("Streams: how often an idle shard is read "
                                               "(Kinesis 1s, DynamoDB 250ms).",
                                               true)}}),
        Json::array({"type"}));
    Json j = described("The event source: a type name, or a mapping with `type:` and its "
                       "settings (default direct).");
    j.add("anyOf", Json::array({std::move(type), std::move(full)}));
    return j;
  };

  Json target = string_schema(
      "The function that receives this traffic: `name` ($LATEST), `name:alias` or "
      "`name:version`.");
  target.add("pattern", kTargetPattern)
      .add("patternErrorMessage", "a function of this scenario, optionally :alias or :version");
  Json workload = closed_object(
      "A traffic source: invocations of one function.",
      Json::object(
          {{"function", std::move(target)},
           {"name", string_schema("Name of this traffic source in the statistics (`sources` in "
                                  "JSON; default: the target and the workload's index, api#0).")},
           {"source", source_schema()},
           {"warmer", boolean_schema("Pings that keep environments warm: billed, but reported "
                                     "as their own source (default false).")},
           {"invocation", enum_schema("sync (default): the caller waits and is throttled when "
                                      "there is no capacity; async: events go to the "
                                      "function's internal queue and are retried.",
                                      {"sync", "async"})},
           {"arrivals", model_schema(registries.arrivals, "When invocations arrive (required)")}}),
      Json::array({"function", "arrivals"}));

  // read_sweep: only the shape; `lambdasim sweep` checks each value as a --set override.
  Json sweep_values = described(
      "The values of one key path: a list of values, or a range 'start:stop:step' "
      "(e.g. 128MB:1024MB:128MB).");
  sweep_values.add("type", Json::array({"array", "string", "number"})).add("minItems", 1);
  Json sweep_settings = described(
      "Key paths as --set takes them (functions.api.memory) mapped to their values; the sweep "
      "runs every combination.");
  sweep_settings.add("type", "object").add("additionalProperties", std::move(sweep_values));
  Json sweep = closed_object(
      "A parameter sweep for `lambdasim sweep` (ignored by `run`); --set on the command line "
      "adds keys or replaces them.",
      Json::object({{"settings", std::move(sweep_settings)},
                    {"replications", integer_schema("Runs per point (default 1); "
                                                    "--replications overrides it.",
                                                    1, 10'000)}}),
      Json::array());

  Json seed = described("Random seed, a whole number >= 0 (default 1); --seed overrides it.");
  seed.add("type", "integer").add("minimum", 0);

  Json root = Json::object(
      {{"$schema", "http://json-schema.org/draft-07/schema#"},
       {"$comment",
        "Generated by `lambdasim schema` from the model registries (sim/scenario/schema.cpp); do "
        "not edit. Regenerate: ./tools/lambdasim schema > scenarios/lambdasim.schema.json"},
       {"title", "lambdasim scenario"},
       {"description",
        "A lambdasim scenario: AWS Lambda functions, the traffic they receive and how long to "
        "simulate. `lambdasim validate` checks what a schema cannot (cross-field rules)."}});
  root.add("type", "object");
  root.add("properties",
           Json::object(
               {{"name", string_schema("Scenario name, shown in reports (default: the file name "
                                       "without its extension).")},
                {"description", string_schema("Free text about the scenario; not used by the "
                                              "simulator.")},
                {"seed", std::move(seed)},
                {"duration", duration_schema("Simulated time: no invocation arrives at or after "
                                             "it. More than 0, e.g. 2h.",
                                             true)},
                {"warmup", duration_schema("Invocations arriving earlier are simulated but not "
                                           "counted; less than duration (default 0).")},
                {"account", std::move(account)},
                {"pricing", std::move(pricing)},
                {"functions", described("The Lambda functions (at least one).")
                                  .add("type", "array")
                                  .add("minItems", 1)
                                  .add("maxItems", 10'000)
                                  .add("items", std::move(function))},
                {"workload", described("The traffic sources (at least one).")
                                 .add("type", "array")
                                 .add("minItems", 1)
                                 .add("maxItems", 100'000)
                                 .add("items", std::move(workload))},
                {"sweep", std::move(sweep)}}));
  root.add("required", Json::array({"duration", "functions", "workload"}));
  root.add("additionalProperties", false);

  std::string out;
  root.write(out, 0);
  out += '\n';
  return out;
}

}  // namespace lsim
