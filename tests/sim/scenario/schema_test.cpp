// The scenario JSON Schema: the shipped file is the generator's output, it is valid JSON, every
// example scenario validates, and it agrees with the loader: what the schema lists the loader
// accepts, what the loader rejects as unknown the schema rejects, every model type has a branch,
// and the unit patterns accept exactly what the unit parsers accept.
#include "sim/scenario/schema.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/builtin.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/load.hpp"
#include "tests/support/run.hpp"
#include "tests/support/json.hpp"
#include "tests/support/json_schema.hpp"

using namespace lsim;
using lsim::test::JsonValue;
using lsim::test::parse_json;
using lsim::test::SchemaValidator;
using lsim::test::to_json;

namespace {

const Registries& registries() { return lsim::test::builtin_registries(); }

const std::string& generated() {
  static const std::string text = scenario_json_schema(registries());
  return text;
}

const JsonValue& schema() {
  static const JsonValue s = parse_json(generated());
  return s;
}

// One validator for the whole run: it caches the compiled patterns.
std::vector<std::string> schema_errors_of(const ConfigNode& node) {
  static SchemaValidator validator(schema());
  return validator.validate(node);
}

std::vector<std::string> schema_errors(const std::string& yaml) {
  Diagnostics diags;
  const ConfigNode node = parse_yaml_text(yaml, "t.yaml", diags);
  REQUIRE_FALSE(diags.has_errors());
  return schema_errors_of(node);
}

// Every diagnostic of loading `yaml`, one per line ("" when it loads).
std::string loader_errors(const std::string& yaml) {
  try {
    (void)load_scenario_text(yaml, "t.yaml", registries());
    return "";
  } catch (const ScenarioError& e) {
    return e.diagnostics().to_string();
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small valid scenario (JSON is YAML) with every object level present.
JsonValue base_scenario() {
  return parse_json(R"({
    "name": "t", "duration": "1h",
    "account": {"concurrency_limit": 1000},
    "pricing": {"region": "us-east-1"},
    "functions": [{"name": "api",
                   "duration": {"type": "constant", "value": "100ms"},
                   "cold_start": {"type": "constant", "value": "200ms"}}],
    "workload": [{"function": "api", "arrivals": {"type": "poisson", "rate": "5/s"}}]})");
}

const JsonValue& schema_at(std::initializer_list<const char*> path) {
  const JsonValue* s = &schema();
  for (const char* key : path) s = &s->at(key);
  return *s;
}

const JsonValue& function_schema() { return schema_at({"properties", "functions", "items"}); }
const JsonValue& workload_schema() { return schema_at({"properties", "workload", "items"}); }

std::vector<std::string> type_names(const JsonValue& s) {
  std::vector<std::string> out;
  if (const JsonValue* t = s.find("type")) {
    if (t->is_string()) out.push_back(t->text);
    for (const JsonValue& i : t->items) out.push_back(i.text);
  }
  return out;
}

bool has_type(const JsonValue& s, const std::string& name) {
  const auto names = type_names(s);
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool matches(const std::string& pattern, const std::string& text) {
  static std::map<std::string, std::regex> compiled;
  auto it = compiled.find(pattern);
  if (it == compiled.end()) it = compiled.emplace(pattern, std::regex(pattern)).first;
  return std::regex_search(text, it->second);
}

// A valid value for a property schema: its const, first enum value or example, or built from its
// type (strings: the first candidate its pattern accepts; objects: their required keys).
JsonValue example_for(const JsonValue& s) {
  if (const JsonValue* c = s.find("const")) return *c;
  if (const JsonValue* e = s.find("enum")) return e->items.at(0);
  if (const JsonValue* x = s.find("examples")) return x->items.at(0);
  if (const JsonValue* a = s.find("anyOf")) return example_for(a->items.at(0));
  if (has_type(s, "object")) {
    JsonValue o = JsonValue::make_object();
    if (const JsonValue* required = s.find("required"))
      for (const JsonValue& key : required->items)
        o.set(key.text, example_for(s.at("properties").at(key.text)));
    return o;
  }
  if (has_type(s, "array")) {
    JsonValue a = JsonValue::make_array();
    a.items.push_back(example_for(s.at("items")));
    return a;
  }
  if (has_type(s, "string")) {
    const JsonValue* pattern = s.find("pattern");
    for (const char* candidate : {"api", "100ms", "5/s", "512MB", "2026-01-01"})
      if (pattern == nullptr || matches(pattern->text, candidate))
        return JsonValue::make_string(candidate);
    FAIL("no example candidate matches " << pattern->text);
  }
  if (has_type(s, "integer") || has_type(s, "number")) {
    double v = 1;
    if (const JsonValue* lo = s.find("minimum")) v = std::max(v, lo->number);
    if (const JsonValue* hi = s.find("maximum")) v = std::min(v, hi->number);
    return JsonValue::make_number(v);
  }
  if (has_type(s, "boolean")) return JsonValue::make_bool(true);
  FAIL("cannot make an example for " << to_json(s));
  return {};
}

// A level of the scenario: its schema and where its mapping is in a scenario. Models get one
// level per type, their mapping set to the type's example first.
struct Level {
  std::string name;  ///< the key path the loader uses in messages
  const JsonValue* schema;
  std::function<JsonValue&(JsonValue&)> locate;
};

bool is_model_key(const JsonValue& property) {
  const JsonValue* any = property.find("anyOf");
  if (any == nullptr) return false;
  return std::any_of(any->items.begin(), any->items.end(), [](const JsonValue& b) {
    const JsonValue* p = b.find("properties");
    return p != nullptr && p->find("type") != nullptr && p->at("type").find("const") != nullptr;
  });
}

// The mappings of a scenario that are not models: the document, the first function and workload,
// and every nested mapping the schema declares (account, pricing, functions[0].memory_scaling),
// found from the schema so that a new one is covered without editing this test.
std::vector<Level> plain_levels() {
  std::vector<Level> out = {
      {"", &schema(), [](JsonValue& s) -> JsonValue& { return s; }},
      {"functions[0]", &function_schema(),
       [](JsonValue& s) -> JsonValue& { return s.at("functions").items.at(0); }},
      {"workload[0]", &workload_schema(),
       [](JsonValue& s) -> JsonValue& { return s.at("workload").items.at(0); }},
  };
  for (std::size_t i = 0; i < out.size(); ++i) {  // grows while it is walked
    const Level parent = out[i];
    for (const auto& [key, property] : parent.schema->at("properties").members) {
      if (!has_type(property, "object") || property.find("properties") == nullptr) continue;
      const std::string k = key;
      const JsonValue* sub = &property;
      out.push_back({parent.name.empty() ? k : parent.name + "." + k, sub,
                     [locate = parent.locate, k, sub](JsonValue& s) -> JsonValue& {
                       JsonValue& p = locate(s);
                       if (JsonValue* existing = p.find(k)) return *existing;
                       return p.set(k, example_for(*sub));
                     }});
    }
  }
  return out;
}

// One level per (model key, object branch), e.g. "functions[0].keep_alive" with {type: fixed}.
std::vector<Level> model_levels() {
  std::vector<Level> out;
  for (const Level& parent : plain_levels()) {
    for (const auto& [key, property] : parent.schema->at("properties").members) {
      if (!is_model_key(property)) continue;
      for (const JsonValue& branch : property.at("anyOf").items) {
        if (!has_type(branch, "object")) continue;
        const std::string name = parent.name + "." + key;
        const std::string k = key;
        auto locate_parent = parent.locate;
        const JsonValue* b = &branch;
        out.push_back({name, b, [locate_parent, k, b](JsonValue& s) -> JsonValue& {
                         return locate_parent(s).set(k, example_for(*b));
                       }});
      }
    }
  }
  return out;
}

std::string model_type(const Level& level) {
  return level.schema->at("properties").at("type").at("const").text;
}

// A plausible typo of `key` that is not a key of `properties`: two letters swapped, or one doubled.
std::string misspell(const std::string& key, const JsonValue& properties) {
  std::string typo = key;
  if (typo.size() >= 4)
    std::swap(typo[1], typo[2]);
  else
    typo += typo.back();
  if (typo == key || properties.find(typo) != nullptr) typo = key + "x";
  return typo;
}

bool mentions(const std::vector<std::string>& errors, const std::string& text) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const std::string& e) { return e.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("the shipped schema file is exactly what the generator writes", "[schema]") {
  const std::filesystem::path file =
      std::filesystem::path(LSIM_SOURCE_DIR) / "scenarios" / "lambdasim.schema.json";
  const std::string shipped = read_file(file);
  if (shipped != generated()) {
    std::istringstream a(shipped), b(generated());
    std::string la, lb;
    int line = 1;
    while (std::getline(a, la) && std::getline(b, lb) && la == lb) ++line;
    FAIL(file.string() << " is out of date (first difference at line " << line
                       << "); regenerate it: ./tools/lambdasim schema > "
                          "scenarios/lambdasim.schema.json");
  }
}

TEST_CASE("the schema is deterministic, pretty-printed, valid draft-07 JSON", "[schema]") {
  CHECK(scenario_json_schema(registries()) == generated());
  REQUIRE(generated().size() > 2);
  CHECK(generated().back() == '\n');
  CHECK(generated()[generated().size() - 2] == '}');
  CHECK(generated().find('\t') == std::string::npos);
  CHECK(generated().find("\n  \"properties\": {\n") != std::string::npos);  // two-space indent

  const JsonValue s = parse_json(generated());
  CHECK(s.at("$schema").text == "http://json-schema.org/draft-07/schema#");
  CHECK(s.at("type").text == "object");
  CHECK_NOTHROW(SchemaValidator::check_supported(s));

  // Every pattern compiles as an ECMAScript regular expression.
  std::function<void(const JsonValue&)> patterns = [&](const JsonValue& v) {
    for (const auto& [k, m] : v.members) {
      if (k == "pattern") CHECK_NOTHROW(std::regex(m.text, std::regex::ECMAScript));
      patterns(m);
    }
    for (const JsonValue& i : v.items) patterns(i);
  };
  patterns(s);
}

TEST_CASE("the JSON test parser rejects what RFC 8259 rejects", "[schema]") {
  for (const char* bad :
       {"", "{", "{\"a\": 1,}", "[1,]", "01", "1.", "-", "+1", "{'a': 1}", "\"\\x\"", "\"a\nb\"",
        "\"\\ud800\"", "{\"a\": 1, \"a\": 2}", "[1] x", "tru", "\"\xff\"", "NaN"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_json(bad), lsim::test::JsonError);
  }
  const JsonValue v =
      parse_json(R"( {"a": [1, -2.5e3, true, false, null], "b": "\u00b5\ud83d\ude00\/"} )");
  CHECK(v.at("a").items.at(1).number == -2500);
  CHECK(v.at("b").text == "\xc2\xb5\xf0\x9f\x98\x80/");
  CHECK(to_json(v) == R"({"a": [1, -2.5e3, true, false, null], "b": "µ😀/"})");
}

TEST_CASE("every example scenario names the schema and validates against it", "[schema]") {
  const std::filesystem::path dir = std::filesystem::path(LSIM_SOURCE_DIR) / "scenarios";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    INFO(file.string());
    const std::string text = read_file(file);
    // The schema, relative to the file (scenarios/teaching/ files say ../lambdasim.schema.json).
    const std::string schema_path =
        std::filesystem::relative(dir / "lambdasim.schema.json", file.parent_path()).string();
    const std::string first = "# yaml-language-server: $schema=" +
                              (schema_path.find('/') == std::string::npos ? "./" + schema_path
                                                                          : schema_path) +
                              "\n";
    CHECK(text.rfind(first, 0) == 0);
    Diagnostics diags;
    const ConfigNode node = load_yaml_file(file.string(), diags);
    REQUIRE_FALSE(diags.has_errors());
    const auto errors = schema_errors_of(node);
    CAPTURE(errors);
    CHECK(errors.empty());
    CHECK_NOTHROW(load_scenario(file.string(), registries()));
  }
}

TEST_CASE("every key the schema lists is accepted by the loader", "[schema]") {
  REQUIRE(loader_errors(to_json(base_scenario())).empty());
  REQUIRE(schema_errors(to_json(base_scenario())).empty());

  SECTION("top level, account, pricing, functions and workload: the scenario loads") {
    for (const Level& level : plain_levels()) {
      for (const auto& [key, property] : level.schema->at("properties").members) {
        JsonValue s = base_scenario();
        level.locate(s).set(key, example_for(property));
        const std::string yaml = to_json(s);
        INFO(yaml);
        CHECK(loader_errors(yaml).empty());
        CHECK(schema_errors(yaml).empty());
      }
    }
  }

  SECTION("model parameters: the loader knows each one, and each type has a set that loads") {
    for (const Level& level : model_levels()) {
      const JsonValue& properties = level.schema->at("properties");
      // Parameters that only make sense together (lognormal: median with p99) share a schema.
      auto same_kind = [&](const JsonValue& a, const JsonValue& b) {
        return type_names(a) == type_names(b) &&
               (a.find("pattern") == nullptr) == (b.find("pattern") == nullptr);
      };
      bool some_set_loads = false;
      // `trace` reads the file its `path` names, which no generated example names: its
      // parameters must be known, but no set loads (tests/models/trace_test.cpp loads them).
      const bool reads_file = model_type(level) == "trace";
      for (const auto& [key, property] : properties.members) {
        for (bool with_siblings : {false, true}) {
          JsonValue s = base_scenario();
          JsonValue& model = level.locate(s);
          if (key != "type") model.set(key, example_for(property));
          if (with_siblings)
            for (const auto& [other, other_schema] : properties.members)
              if (other != "type" && same_kind(property, other_schema))
                model.set(other, example_for(other_schema));
          const std::string yaml = to_json(s);
          INFO(level.name << " " << model_type(level) << ": " << yaml);
          const std::string errors = loader_errors(yaml);
          CHECK(errors.find("unknown key") == std::string::npos);
          if (!reads_file) CHECK(errors.find(level.name + "." + key + ":") == std::string::npos);
          CHECK(schema_errors(yaml).empty());
          some_set_loads = some_set_loads || errors.empty();
        }
      }
      INFO(level.name << " " << model_type(level));
      CHECK((some_set_loads || reads_file));
    }
  }
}

TEST_CASE("every runtime the schema suggests is one the loader knows", "[schema]") {
  const JsonValue& examples = function_schema().at("properties").at("runtime").at("examples");
  REQUIRE_FALSE(examples.items.empty());
  for (const JsonValue& runtime : examples.items) {
    JsonValue s = base_scenario();
    s.at("functions").items.at(0).set("runtime", runtime);
    INFO(runtime.text);
    Diagnostics warnings;
    (void)load_scenario_text(to_json(s), "t.yaml", registries(), {}, &warnings);
    CHECK(warnings.all().empty());
  }
}

TEST_CASE("the schema lists every key the loader knows", "[schema]") {
  std::set<std::string> names;
  for (const Level& level : plain_levels()) names.insert(level.name);
  CHECK(names.count("account") == 1);
  CHECK(names.count("pricing") == 1);
  CHECK(names.count("functions[0].memory_scaling") == 1);
  // The loader's "unknown key" message ends with the keys it asked for ("; known keys: a, b").
  std::vector<Level> levels = plain_levels();
  for (Level& m : model_levels()) levels.push_back(std::move(m));
  for (const Level& level : levels) {
    JsonValue s = base_scenario();
    level.locate(s).set("zzz_not_a_key", JsonValue::make_string("1"));
    const std::string errors = loader_errors(to_json(s));
    INFO(level.name << ": " << errors);
    const std::string marker = "known keys: ";
    const auto from = errors.find(marker);
    REQUIRE(from != std::string::npos);
    const auto to = errors.find('\n', from);
    std::set<std::string> loader_keys;
    std::istringstream list(errors.substr(from + marker.size(), to - from - marker.size()));
    for (std::string key; std::getline(list, key, ',');)
      loader_keys.insert(key.substr(key.find_first_not_of(' ')));
    std::set<std::string> schema_keys;
    for (const auto& [key, property] : level.schema->at("properties").members)
      schema_keys.insert(key);
    if (level.schema->at("properties").find("type") != nullptr) {
      // A model reads only the keys of the form it was given (lognormal: median/p99 or mu/sigma).
      CHECK(std::includes(schema_keys.begin(), schema_keys.end(), loader_keys.begin(),
                          loader_keys.end()));
    } else {
      CHECK(loader_keys == schema_keys);
    }
  }
}

TEST_CASE("a misspelled key is rejected by both the loader and the schema", "[schema]") {
  std::vector<Level> levels = plain_levels();
  for (Level& m : model_levels()) levels.push_back(std::move(m));
  for (const Level& level : levels) {
    const JsonValue& properties = level.schema->at("properties");
    const auto& [key, property] = properties.members.back();
    const std::string typo = misspell(key, properties);
    JsonValue s = base_scenario();
    level.locate(s).set(typo, example_for(property));
    const std::string yaml = to_json(s);
    INFO(yaml);
    CHECK(loader_errors(yaml).find("unknown key '" + typo + "'") != std::string::npos);
    const auto errors = schema_errors(yaml);
    CAPTURE(errors);
    CHECK(mentions(errors, "unknown key '" + typo + "'"));
  }
}

TEST_CASE("a missing required key is rejected by both the loader and the schema", "[schema]") {
  std::vector<Level> levels = plain_levels();
  for (Level& m : model_levels()) levels.push_back(std::move(m));
  std::set<std::string> seen;
  for (const Level& level : levels) {
    const JsonValue* required = level.schema->find("required");
    if (required == nullptr) continue;
    for (const JsonValue& key : required->items) {
      JsonValue s = base_scenario();
      level.locate(s).erase(key.text);
      const std::string yaml = to_json(s);
      INFO(yaml);
      CHECK_FALSE(loader_errors(yaml).empty());
      const auto errors = schema_errors(yaml);
      CAPTURE(errors);
      CHECK(mentions(errors, "missing required key '" + key.text + "'"));
      seen.insert(level.name + "." + key.text);
    }
  }
  // What load.cpp requires is listed as required.
  for (const char* k :
       {".duration", ".functions", ".workload", "functions[0].name", "functions[0].duration",
        "functions[0].cold_start", "workload[0].function", "workload[0].arrivals"})
    CHECK(seen.count(k) == 1);
}

TEST_CASE("every registered model type has a schema branch with its parameters", "[schema]") {
  auto check_kind = [](const auto& registry, const JsonValue& property) {
    INFO(registry.kind());
    std::size_t object_branches = 0;
    for (const JsonValue& b : property.at("anyOf").items)
      if (has_type(b, "object")) ++object_branches;
    CHECK(object_branches == registry.entries().size());
    for (const auto& entry : registry.entries()) {
      INFO(entry.type);
      const JsonValue* branch = nullptr;
      for (const JsonValue& b : property.at("anyOf").items)
        if (has_type(b, "object") && b.at("properties").at("type").at("const").text == entry.type)
          branch = &b;
      REQUIRE(branch != nullptr);
      std::vector<std::string> keys, required;
      for (const auto& [k, v] : branch->at("properties").members) keys.push_back(k);
      for (const JsonValue& r : branch->at("required").items) required.push_back(r.text);
      std::vector<std::string> want_keys{"type"}, want_required{"type"};
      for (const ParamDoc& p : entry.params) {
        want_keys.push_back(p.key);
        if (p.default_value == "required") want_required.push_back(p.key);
      }
      CHECK(keys == want_keys);
      CHECK(required == want_required);
      CHECK(branch->at("additionalProperties").kind == JsonValue::Kind::Bool);
      CHECK_FALSE(branch->at("additionalProperties").boolean);
    }
  };
  const JsonValue& f = function_schema().at("properties");
  check_kind(registries().duration, f.at("duration"));
  check_kind(registries().cold_start, f.at("cold_start"));
  check_kind(registries().keep_alive, f.at("keep_alive"));
  check_kind(registries().reuse, f.at("reuse"));
  check_kind(registries().scaling, f.at("scaling"));
  check_kind(registries().arrivals, workload_schema().at("properties").at("arrivals"));
}

TEST_CASE("a bare type name is valid in the schema exactly when the loader accepts it",
          "[schema]") {
  // `reuse: mru` is short for `reuse: {type: mru}`; it is valid when the type needs no parameter.
  auto check_kind = [](const auto& registry, const std::function<JsonValue&(JsonValue&)>& parent,
                       const std::string& key) {
    std::vector<std::string> types = registry.known_types();
    const std::string unknown = types.front() + "x";
    types.push_back(unknown);
    for (const std::string& type : types) {
      JsonValue s = base_scenario();
      parent(s).set(key, JsonValue::make_string(type));
      const std::string yaml = to_json(s);
      INFO(yaml);
      CHECK(loader_errors(yaml).empty() == schema_errors(yaml).empty());
    }
    // An unknown type in a mapping is rejected by both too.
    JsonValue s = base_scenario();
    JsonValue model = JsonValue::make_object();
    model.set("type", JsonValue::make_string(unknown));
    parent(s).set(key, model);
    const std::string yaml = to_json(s);
    INFO(yaml);
    CHECK_FALSE(loader_errors(yaml).empty());
    CHECK_FALSE(schema_errors(yaml).empty());
  };
  auto function = [](JsonValue& s) -> JsonValue& { return s.at("functions").items.at(0); };
  auto workload = [](JsonValue& s) -> JsonValue& { return s.at("workload").items.at(0); };
  check_kind(registries().duration, function, "duration");
  check_kind(registries().cold_start, function, "cold_start");
  check_kind(registries().keep_alive, function, "keep_alive");
  check_kind(registries().reuse, function, "reuse");
  check_kind(registries().scaling, function, "scaling");
  check_kind(registries().arrivals, workload, "arrivals");
  JsonValue s = base_scenario();
  function(s).set("reuse", JsonValue::make_string("mru"));
  CHECK(schema_errors(to_json(s)).empty());
}

TEST_CASE("values out of the loader's ranges or units are rejected by both", "[schema]") {
  struct Case {
    const char* level;  // "" top, "account", "pricing", "function", "workload", "arrivals"
    const char* key;
    const char* value;  // JSON
    bool valid;
  };
  const Case cases[] = {
      {"", "duration", R"("2h")", true},
      {"", "duration", R"("10")", false},  // no unit
      {"", "duration", R"(10)", false},    // a number is not a duration
      {"", "duration", R"("-1h")", false},
      {"", "duration", R"("1_000 ms")", true},
      {"", "duration", R"("1.5parsecs")", false},
      {"", "warmup", R"(0)", true},  // a bare 0 is a duration
      {"", "warmup", R"("0.5min")", true},
      {"", "seed", R"(0)", true},
      {"", "seed", R"(-1)", false},
      {"", "functions", R"([])", false},
      {"", "workload", R"([])", false},
      {"account", "concurrency_limit", R"(0)", false},
      {"account", "concurrency_limit", R"(10000001)", false},
      {"account", "concurrency_limit", R"(5000)", true},
      {"account", "init_limit", R"("30s")", true},
      {"account", "init_limit", R"(0)", false},
      {"pricing", "date", R"("2026-02-28")", true},
      {"pricing", "date", R"("2026-13-01")", false},
      {"pricing", "date", R"("26-01-01")", false},
      {"pricing", "free_tier", R"(true)", true},
      {"pricing", "free_tier", R"("yes")", true},
      {"pricing", "free_tier", R"("maybe")", false},
      {"function", "memory", R"(127)", false},
      {"function", "memory", R"(128)", true},
      {"function", "memory", R"(10240)", true},
      {"function", "memory", R"(10241)", false},
      {"function", "memory", R"("1GB")", true},
      {"function", "memory", R"("1.5GB")", true},
      {"function", "memory", R"("512 MB")", true},
      {"function", "memory", R"("64KB")", false},
      {"function", "ephemeral_storage", R"(511)", false},
      {"function", "ephemeral_storage", R"("10GB")", true},
      {"function", "timeout", R"("900s")", true},
      {"function", "timeout", R"("30")", false},
      {"function", "timeout", R"(30)", false},
      {"function", "reserved_concurrency", R"(0)", true},
      {"function", "reserved_concurrency", R"(-1)", false},
      {"function", "error_probability", R"(0.25)", true},
      {"function", "error_probability", R"(1.5)", false},
      {"function", "crash_probability", R"("often")", false},
      {"function", "memory_scaling", R"({"reference_memory": "1GB", "cpu_bound": 0.5})", true},
      {"function", "memory_scaling", R"({"reference_memory": 1024, "cold_start": "yes"})", true},
      {"function", "memory_scaling", R"({"cpu_bound": 0.5})", false},
      {"function", "memory_scaling", R"({"reference_memory": 64})", false},
      {"function", "memory_scaling", R"({"reference_memory": "1GB", "threads": 65})", false},
      {"function", "memory_scaling", R"({"reference_memory": "1GB", "exponent": 1.63})", true},
      {"function", "memory_scaling", R"({"reference_memory": "1GB", "exponent": 0.1})", false},
      {"function", "memory_scaling", R"({"reference_memory": "1GB", "exponent": 5})", false},
      {"function", "architecture", R"("arm64")", true},
      {"function", "architecture", R"("arm")", false},
      {"function", "package_type", R"("jar")", false},
      {"function", "name", R"("bad name!")", false},
      {"function", "duration", R"("constant")", false},  // needs `value`
      {"function", "keep_alive", R"({"type": "fixed", "idle": 0})", true},
      {"function", "keep_alive", R"({"type": "fixed", "idle": "10"})", false},
      {"function", "cold_start", R"({"type": "lognormal", "mu": -1.4, "sigma": 0.5})", true},
      {"function", "cold_start", R"({"type": "lognormal", "mu": "fast", "sigma": 0.5})", false},
      {"function", "duration", R"({"type": "empirical", "samples": ["100ms", "2s"]})", true},
      {"function", "duration", R"({"type": "empirical", "samples": ["100"]})", false},
      {"function", "duration", R"({"type": "empirical", "samples": "100ms"})", false},
      {"workload", "function", R"("api:")", false},
      {"workload", "function", R"("api:$LATEST")", true},
      {"workload", "function", R"("api:x y")", false},
      {"workload", "source", R"({"type": "sqs", "poller_growth_per_minute": 0.5})", true},
      {"workload", "source", R"({"type": "sqs", "poller_growth_per_minute": 0})", false},
      {"arrivals", "rate", R"("300/min")", true},
      {"arrivals", "rate", R"(0)", true},
      {"arrivals", "rate", R"("5")", false},
      {"arrivals", "rate", R"("5/sec")", false},
  };
  for (const Case& c : cases) {
    JsonValue s = base_scenario();
    const std::string level = c.level;
    JsonValue& target = level.empty()         ? s
                        : level == "function" ? s.at("functions").items.at(0)
                        : level == "workload" ? s.at("workload").items.at(0)
                        : level == "arrivals" ? s.at("workload").items.at(0).at("arrivals")
                                              : s.at(level);
    target.set(c.key, parse_json(c.value));
    const std::string yaml = to_json(s);
    INFO(yaml);
    CHECK(loader_errors(yaml).empty() == c.valid);
    const auto errors = schema_errors(yaml);
    CAPTURE(errors);
    CHECK(errors.empty() == c.valid);
  }
}

TEST_CASE("the unit patterns accept exactly what the unit parsers accept", "[schema]") {
  const std::regex duration(schema().at("properties").at("warmup").at("pattern").text);
  const std::regex memory(function_schema().at("properties").at("memory").at("pattern").text);
  const JsonValue* rate_schema = nullptr;
  for (const JsonValue& b : workload_schema().at("properties").at("arrivals").at("anyOf").items)
    if (const JsonValue* p = b.find("properties"))
      if (const JsonValue* r = p->find("rate")) rate_schema = r;
  REQUIRE(rate_schema != nullptr);
  const std::regex rate(rate_schema->at("pattern").text);

  // Magnitudes stay far below the parsers' limits (1e9 s, 1e9/s, 1e9 MB), so the only value the
  // syntax cannot decide is a memory size that is not a whole number of MB (1.5MB, but 1.5GB).
  const char* signs[] = {"", "+", "-"};
  const char* mantissas[] = {"0",   "00", "1",  "12",   "1.5", ".5", "1.",    "0.0", ".0",
                             "1_0", "_1", "1_", "_._0", ".",   "_",  "1.2.3", "",    "a1"};
  const char* exponents[] = {"", "e2", "E-2", "e+1", "e", "e+", "e1.5"};
  const char* gaps[] = {"", " ", "\t"};
  const char* units[] = {"",   "us", "µs",   "μs",   "ms", "s",   "sec", "m",    "min", "h",
                         "d",  "MB", "GB",   "KB",   "mb", "/s",  "/m",  "/min", "/h",  "/d",
                         "/x", "S",  "secs", "ms s", "s/", "/ s", "ms1", "e"};
  const char* ends[] = {"", " \t\n\v\f\r"};  // C-locale white space
  std::size_t strings = 0, accepted = 0;
  std::vector<std::string> mismatches;  // one CHECK for the lot: the corpus is large
  auto compare = [&](const char* what, const std::string& s, bool parsed, bool matched) {
    if (parsed != matched)
      mismatches.push_back(fmt::format("{} '{}': parser {}, pattern {}", what, s,
                                       parsed ? "accepts" : "rejects",
                                       matched ? "matches" : "does not match"));
  };
  for (const char* sign : signs)
    for (const char* mantissa : mantissas)
      for (const char* exponent : exponents)
        for (const char* gap : gaps)
          for (const char* unit : units) {
            if (*unit == '\0' && *gap != '\0') continue;  // same as without the gap
            for (const char* end : ends) {
              const std::string s =
                  std::string(end) + sign + mantissa + exponent + gap + unit + end;
              ++strings;
              const bool d = parse_duration(s).value.has_value();
              compare("duration", s, d, std::regex_search(s, duration));
              const bool r = parse_rate_per_s(s).value.has_value();
              compare("rate", s, r, std::regex_search(s, rate));
              const auto m = parse_memory_mb(s);
              const bool fraction_of_mb = m.error.find("not a whole number") != std::string::npos;
              compare("memory", s, m.value.has_value() || fraction_of_mb,
                      std::regex_search(s, memory));
              accepted += static_cast<std::size_t>(d) + r + m.value.has_value();
            }
          }
  if (mismatches.size() > 20) mismatches.resize(20);
  CAPTURE(mismatches);
  CHECK(mismatches.empty());
  CHECK(strings > 10'000);
  CHECK(accepted > 1'000);
}

TEST_CASE("the generator escapes any registry text and types unknown units leniently", "[schema]") {
  Registries r;
  register_builtin_models(r);
  const std::string summary = "quote \" backslash \\ newline \n tab \t bell \a µ bad \xff byte";
  r.reuse.add({.type = "odd\"type",
               .summary = summary,
               .params = {{"span", "furlongs", "required", "an unknown unit"}},
               .make = [](ParamReader& p, RngStream) -> std::unique_ptr<ReusePolicy> {
                 (void)p.string("span");  // never builds: reports the missing key
                 return nullptr;
               }});
  const std::string text = scenario_json_schema(r);
  const JsonValue s = parse_json(text);  // throws if the escaping broke the JSON
  const JsonValue* branch = nullptr;
  for (const JsonValue& b : s.at("properties")
                                .at("functions")
                                .at("items")
                                .at("properties")
                                .at("reuse")
                                .at("anyOf")
                                .items)
    if (has_type(b, "object") && b.at("properties").at("type").at("const").text == "odd\"type")
      branch = &b;
  REQUIRE(branch != nullptr);
  CHECK(branch->at("description").text ==
        "odd\"type: quote \" backslash \\ newline \n tab \t bell \a µ bad \xef\xbf\xbd byte");
  CHECK(type_names(branch->at("properties").at("span")) ==
        std::vector<std::string>{"string", "number"});
  CHECK(text.find("\\u0007") != std::string::npos);
  CHECK(text.find("\\ufffd") != std::string::npos);
}
