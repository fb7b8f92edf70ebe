// A located configuration tree: what a YAML document (or a --set override) becomes before it is
// read. Plain data with a source location on every node, so nothing past the loader needs yaml-cpp.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/core/diagnostics.hpp"

namespace lsim {

struct ConfigEntry;

struct ConfigNode {
  enum class Kind { Null, Scalar, List, Map };
  Kind kind = Kind::Null;
  std::string scalar;                                      ///< Kind::Scalar
  std::vector<ConfigNode> items;                           ///< Kind::List
  // A struct rather than std::pair: a vector of an incomplete element type is allowed (C++17),
  // but libstdc++'s pair rejects one under clang, which builds the libFuzzer target.
  std::vector<ConfigEntry> entries;  ///< Kind::Map, in document order
  SourceLoc loc;      ///< where the value starts
  SourceLoc key_loc;  ///< where its key starts, when it is a map entry (else == loc)

  [[nodiscard]] bool is_map() const { return kind == Kind::Map; }
  [[nodiscard]] bool is_list() const { return kind == Kind::List; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::Scalar; }
  [[nodiscard]] bool is_null() const { return kind == Kind::Null; }
  /// The entry called `key`, or nullptr (maps only).
  [[nodiscard]] const ConfigNode* find(const std::string& key) const;
  [[nodiscard]] ConfigNode* find(const std::string& key);
};

struct ConfigEntry {
  std::string key;
  ConfigNode value;
};

/// Gives `node` and everything below it the location `loc` (for values that come from
/// somewhere other than the file: a --set override, a documented default).
void relocate(ConfigNode& node, const SourceLoc& loc);

/// Limits that keep a hostile or broken file from exhausting the machine.
struct InputLimits {
  std::size_t max_file_bytes = 16u << 20;  ///< 16 MiB
  int max_depth = 64;                      ///< nesting of maps and lists
  std::size_t max_nodes = 250'000;  ///< after alias expansion (alias bombs); ~25 per function
};

/// Reads and parses a YAML file into a ConfigNode. Problems (missing file, syntax error, limits,
/// duplicate keys) are added to `diags`; the returned tree is then unusable (Null).
ConfigNode load_yaml_file(const std::string& path, Diagnostics& diags, const InputLimits& = {});

/// Parses YAML text; `origin` names it in diagnostics (a file name, or `--set key=value`).
ConfigNode parse_yaml_text(const std::string& text, const std::string& origin, Diagnostics& diags,
                           const InputLimits& = {});

}  // namespace lsim
