// Test support: a minimal JSON Schema (draft-07) validator for scenario trees (ConfigNode), to
// check sim/scenario/schema.cpp's output the way an editor's YAML language server applies it.
// It implements exactly the keywords the generator emits and throws on any other, so a new
// keyword cannot be silently ignored. Header-only; include from any test.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/config_node.hpp"
#include "tests/support/json.hpp"

namespace lsim::test {

/// The JSON type a YAML language server gives a node: YAML 1.2 core schema resolution of plain
/// scalars (`0` and `1.5` are numbers, `true` a boolean, `~` null, anything else a string).
/// ConfigNode has lost the quotes, so a quoted "0" is typed as a number too.
struct YamlTyped {
  enum class Type { Null, Boolean, Integer, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
};

inline YamlTyped yaml_type_of(const ConfigNode& n) {
  YamlTyped t;
  switch (n.kind) {
    case ConfigNode::Kind::Null:
      return t;
    case ConfigNode::Kind::List:
      t.type = YamlTyped::Type::Array;
      return t;
    case ConfigNode::Kind::Map:
      t.type = YamlTyped::Type::Object;
      return t;
    case ConfigNode::Kind::Scalar:
      break;
  }
  const std::string& s = n.scalar;
  static const std::regex kNull("^(?:~|null|Null|NULL)$");
  static const std::regex kTrue("^(?:true|True|TRUE)$");
  static const std::regex kFalse("^(?:false|False|FALSE)$");
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kOct("^0o[0-7]+$");
  static const std::regex kHex("^0x[0-9a-fA-F]+$");
  static const std::regex kFloat(R"(^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$)");
  static const std::regex kInf(R"(^[-+]?\.(?:inf|Inf|INF)$)");
  static const std::regex kNan(R"(^\.(?:nan|NaN|NAN)$)");
  if (std::regex_match(s, kNull)) return t;
  if (std::regex_match(s, kTrue) || std::regex_match(s, kFalse)) {
    t.type = YamlTyped::Type::Boolean;
    t.boolean = s[0] == 't' || s[0] == 'T';
    return t;
  }
  if (std::regex_match(s, kInt)) {
    t.type = YamlTyped::Type::Integer;
    t.number = std::stod(s);
    return t;
  }
  if (std::regex_match(s, kOct) || std::regex_match(s, kHex)) {
    t.type = YamlTyped::Type::Integer;
    t.number = static_cast<double>(std::stoull(s.substr(2), nullptr, s[1] == 'o' ? 8 : 16));
    return t;
  }
  if (std::regex_match(s, kFloat)) {
    t.type = YamlTyped::Type::Number;
    t.number = std::stod(s);
    if (t.number == std::floor(t.number) && std::isfinite(t.number))
      t.type = YamlTyped::Type::Integer;
    return t;
  }
  if (std::regex_match(s, kInf) || std::regex_match(s, kNan)) {
    t.type = YamlTyped::Type::Number;
    t.number =
        s[0] == '.' && (s[1] == 'n' || s[1] == 'N') ? NAN : (s[0] == '-' ? -INFINITY : INFINITY);
    return t;
  }
  t.type = YamlTyped::Type::String;
  return t;
}

class SchemaValidator {
 public:
  explicit SchemaValidator(const JsonValue& root) : root_(root) {}

  /// Throws std::logic_error naming the first keyword anywhere in `schema` that validate() does
  /// not implement (validate() only meets the keywords of the branches it visits).
  static void check_supported(const JsonValue& schema) {
    if (schema.kind == JsonValue::Kind::Bool) return;
    if (!schema.is_object())
      throw std::logic_error("schema: a schema must be an object or boolean");
    for (const auto& [keyword, value] : schema.members) {
      if (is_annotation(keyword) || keyword == "type" || keyword == "enum" || keyword == "const" ||
          keyword == "pattern" || keyword == "minimum" || keyword == "maximum" ||
          keyword == "exclusiveMinimum" || keyword == "minItems" || keyword == "maxItems" ||
          keyword == "required" || keyword == "minProperties" || keyword == "maxProperties") {
        continue;
      } else if (keyword == "items" || keyword == "additionalProperties" ||
                 keyword == "propertyNames") {
        check_supported(value);
      } else if (keyword == "properties") {
        for (const auto& [name, sub] : value.members) check_supported(sub);
      } else if (keyword == "anyOf" || keyword == "oneOf") {
        for (const JsonValue& sub : value.items) check_supported(sub);
      } else {
        throw std::logic_error(fmt::format("schema: keyword '{}' is not supported", keyword));
      }
    }
  }

  /// Every problem of `instance` as "path: message" (path "" for the document); empty if valid.
  std::vector<std::string> validate(const ConfigNode& instance) {
    std::vector<std::string> errors;
    check(root_, instance, "", errors);
    return errors;
  }

 private:
  static bool is_annotation(const std::string& keyword) {
    return keyword == "$schema" || keyword == "$comment" || keyword == "title" ||
           keyword == "description" || keyword == "examples" || keyword == "default" ||
           keyword == "patternErrorMessage";
  }
  static std::string at(const std::string& path) { return path.empty() ? "(document)" : path; }
  static std::string child_path(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  static bool type_matches(const std::string& name, const YamlTyped& t) {
    using T = YamlTyped::Type;
    if (name == "null") return t.type == T::Null;
    if (name == "boolean") return t.type == T::Boolean;
    if (name == "integer") return t.type == T::Integer;
    if (name == "number") return t.type == T::Integer || t.type == T::Number;
    if (name == "string") return t.type == T::String;
    if (name == "array") return t.type == T::Array;
    if (name == "object") return t.type == T::Object;
    throw std::logic_error(fmt::format("schema: unknown type '{}'", name));
  }

  // enum/const equality of a schema value and a scalar instance.
  static bool equals(const JsonValue& v, const ConfigNode& n, const YamlTyped& t) {
    using T = YamlTyped::Type;
    switch (v.kind) {
      case JsonValue::Kind::Null:
        return t.type == T::Null;
      case JsonValue::Kind::Bool:
        return t.type == T::Boolean && t.boolean == v.boolean;
      case JsonValue::Kind::Number:
        return (t.type == T::Integer || t.type == T::Number) && t.number == v.number;
      case JsonValue::Kind::String:
        return t.type == T::String && n.scalar == v.text;
      case JsonValue::Kind::Array:
      case JsonValue::Kind::Object:
        throw std::logic_error("schema: enum/const of arrays or objects is not supported");
    }
    return false;
  }

  const std::regex& regex(const std::string& pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end())
      it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
    return it->second;
  }

  void check(const JsonValue& schema, const ConfigNode& node, const std::string& path,
             std::vector<std::string>& errors) {
    if (schema.kind == JsonValue::Kind::Bool) {
      if (!schema.boolean) errors.push_back(at(path) + ": not allowed here");
      return;
    }
    if (!schema.is_object())
      throw std::logic_error("schema: a schema must be an object or boolean");
    const YamlTyped t = yaml_type_of(node);
    for (const auto& [keyword, value] : schema.members) {
      if (is_annotation(keyword)) {
        continue;
      } else if (keyword == "type") {
        std::vector<std::string> names;
        if (value.is_string()) names.push_back(value.text);
        for (const JsonValue& i : value.items) names.push_back(i.text);
        bool ok = false;
        for (const auto& name : names) ok = type_matches(name, t) || ok;
        if (!ok)
          errors.push_back(fmt::format("{}: expected {}", at(path), fmt::join(names, " or ")));
      } else if (keyword == "enum") {
        bool ok = false;
        for (const JsonValue& v : value.items) ok = ok || equals(v, node, t);
        if (!ok) errors.push_back(fmt::format("{}: not one of the allowed values", at(path)));
      } else if (keyword == "const") {
        if (!equals(value, node, t))
          errors.push_back(fmt::format("{}: {} {}", at(path), kConstMismatch, to_json(value)));
      } else if (keyword == "pattern") {
        if (t.type == YamlTyped::Type::String && !std::regex_search(node.scalar, regex(value.text)))
          errors.push_back(
              fmt::format("{}: '{}' does not match the pattern", at(path), node.scalar));
      } else if (keyword == "minimum") {
        if ((t.type == YamlTyped::Type::Integer || t.type == YamlTyped::Type::Number) &&
            !(t.number >= value.number))
          errors.push_back(fmt::format("{}: below the minimum {}", at(path), value.text));
      } else if (keyword == "exclusiveMinimum") {
        if ((t.type == YamlTyped::Type::Integer || t.type == YamlTyped::Type::Number) &&
            !(t.number > value.number))
          errors.push_back(
              fmt::format("{}: not above the exclusive minimum {}", at(path), value.text));
      } else if (keyword == "maximum") {
        if ((t.type == YamlTyped::Type::Integer || t.type == YamlTyped::Type::Number) &&
            !(t.number <= value.number))
          errors.push_back(fmt::format("{}: above the maximum {}", at(path), value.text));
      } else if (keyword == "minItems") {
        if (node.is_list() && static_cast<double>(node.items.size()) < value.number)
          errors.push_back(fmt::format("{}: fewer than {} items", at(path), value.text));
      } else if (keyword == "maxItems") {
        if (node.is_list() && static_cast<double>(node.items.size()) > value.number)
          errors.push_back(fmt::format("{}: more than {} items", at(path), value.text));
      } else if (keyword == "minProperties") {
        if (node.is_map() && static_cast<double>(node.entries.size()) < value.number)
          errors.push_back(fmt::format("{}: fewer than {} keys", at(path), value.text));
      } else if (keyword == "maxProperties") {
        if (node.is_map() && static_cast<double>(node.entries.size()) > value.number)
          errors.push_back(fmt::format("{}: more than {} keys", at(path), value.text));
      } else if (keyword == "propertyNames") {
        // Keys are strings; only `pattern` is meaningful for them here.
        if (node.is_map())
          for (const auto& [key, child] : node.entries)
            if (const JsonValue* pattern = value.find("pattern");
                pattern != nullptr && !std::regex_search(key, regex(pattern->text)))
              errors.push_back(
                  fmt::format("{}: key '{}' does not match the pattern", at(path), key));
      } else if (keyword == "items") {
        if (node.is_list())
          for (std::size_t i = 0; i < node.items.size(); ++i)
            check(value, node.items[i], fmt::format("{}[{}]", path, i), errors);
      } else if (keyword == "properties") {
        if (node.is_map())
          for (const auto& [key, child] : node.entries)
            if (const JsonValue* sub = value.find(key))
              check(*sub, child, child_path(path, key), errors);
      } else if (keyword == "required") {
        if (node.is_map())
          for (const JsonValue& key : value.items)
            if (node.find(key.text) == nullptr)
              errors.push_back(fmt::format("{}: missing required key '{}'", at(path), key.text));
      } else if (keyword == "additionalProperties") {
        if (!node.is_map()) continue;
        const JsonValue* properties = schema.find("properties");
        for (const auto& [key, child] : node.entries) {
          if (properties != nullptr && properties->find(key) != nullptr) continue;
          if (value.kind == JsonValue::Kind::Bool && !value.boolean)
            errors.push_back(fmt::format("{}: unknown key '{}'", at(path), key));
          else
            check(value, child, child_path(path, key), errors);
        }
      } else if (keyword == "anyOf" || keyword == "oneOf") {
        // Like a YAML language server, report the closest alternative: one whose `const`
        // discriminator (`type: lognormal`) matched, then the one with the fewest problems.
        std::size_t matches = 0;
        std::vector<std::string> best;
        bool best_discriminated = false;
        for (const JsonValue& alternative : value.items) {
          std::vector<std::string> e;
          check(alternative, node, path, e);
          if (e.empty()) {
            ++matches;
            continue;
          }
          const bool discriminated = std::none_of(e.begin(), e.end(), [](const std::string& m) {
            return m.find(kConstMismatch) != std::string::npos;
          });
          if (best.empty() || (discriminated && !best_discriminated) ||
              (discriminated == best_discriminated && e.size() < best.size())) {
            best = std::move(e);
            best_discriminated = discriminated;
          }
        }
        if (matches == 0) {
          errors.push_back(fmt::format("{}: matches none of the {} alternatives (closest: {})",
                                       at(path), value.items.size(), fmt::join(best, "; ")));
        } else if (keyword == "oneOf" && matches > 1) {
          errors.push_back(
              fmt::format("{}: matches {} alternatives of a oneOf", at(path), matches));
        }
      } else {
        throw std::logic_error(fmt::format("schema: keyword '{}' is not supported", keyword));
      }
    }
  }

  static constexpr const char* kConstMismatch = "must be";

  const JsonValue& root_;
  std::map<std::string, std::regex> regexes_;
};

}  // namespace lsim::test
