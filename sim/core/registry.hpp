// Named registries of models, keyed by the YAML `type:` string. An entry documents its parameters
// (they feed `lambdasim models`); an unknown type is an error listing the known ones, and a
// parameter nobody read is an error too. Registration is explicit (models/register_builtin.cpp).
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/check.hpp"
#include "sim/core/rng.hpp"
#include "sim/scenario/param_reader.hpp"

namespace lsim {

struct ParamDoc {
  std::string key;
  std::string unit;           ///< e.g. "duration", "rate", "number", "list of durations"
  std::string default_value;  ///< "required" when there is none
  std::string meaning;
};

template <class Interface>
struct ModelEntry {
  std::string type;
  std::string summary;
  std::vector<ParamDoc> params;
  /// Builds the model from its parameters. Reports problems through the reader and may then
  /// return nullptr. Draws nothing at construction; keeps `rng` for later draws.
  std::function<std::unique_ptr<Interface>(ParamReader&, RngStream)> make;
};

template <class Interface>
class Registry {
 public:
  /// `kind` names the model kind in messages, e.g. "keep-alive model".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  void add(ModelEntry<Interface> entry) {
    LSIM_CHECK(find(entry.type) == nullptr, "model type '{}' registered twice", entry.type);
    entries_.push_back(std::move(entry));
  }

  [[nodiscard]] const ModelEntry<Interface>* find(const std::string& type) const {
    for (const auto& e : entries_)
      if (e.type == type) return &e;
    return nullptr;
  }

  [[nodiscard]] std::vector<std::string> known_types() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.type);
    return out;
  }

  /// Builds the model described by `node` (a mapping with `type:`, or a bare type name) at key
  /// path `path`. Every problem goes to `diags`; returns nullptr when there was one.
  std::unique_ptr<Interface> make(const ConfigNode& node, const std::string& path,
                                  Diagnostics& diags, RngStream rng) const {
    const std::size_t errors_before = diags.error_count();
    ConfigNode shorthand;
    const ConfigNode* spec = &node;
    if (node.is_scalar()) {  // `reuse: mru` is short for `reuse: { type: mru }`
      shorthand.kind = ConfigNode::Kind::Map;
      shorthand.loc = node.loc;
      ConfigNode type_node = node;
      shorthand.entries.push_back({"type", std::move(type_node)});
      spec = &shorthand;
    }
    ParamReader reader(*spec, path, diags);
    if (!spec->is_map()) return nullptr;
    const std::string type = reader.string("type");
    if (type.empty()) return nullptr;
    const ModelEntry<Interface>* entry = find(type);
    if (entry == nullptr) {
      std::string msg = fmt::format("unknown {} '{}'", kind_, type);
      const std::string guess = closest_match(type, known_types());
      if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
      msg += fmt::format("; known: {}", fmt::join(known_types(), ", "));
      reader.error("type", msg);
      return nullptr;
    }
    std::unique_ptr<Interface> model = entry->make(reader, std::move(rng));
    reader.finish();
    if (diags.error_count() != errors_before) return nullptr;
    LSIM_CHECK(model != nullptr, "{} '{}' returned no model without reporting why", kind_, type);
    return model;
  }

  [[nodiscard]] const std::string& kind() const { return kind_; }
  [[nodiscard]] const std::vector<ModelEntry<Interface>>& entries() const { return entries_; }

 private:
  std::string kind_;
  std::vector<ModelEntry<Interface>> entries_;
};

}  // namespace lsim
