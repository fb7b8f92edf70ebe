// Typed, located reading of one mapping of a scenario. Every getter records the key as known and
// consumed; finish() then reports keys nobody asked for, with a "did you mean" suggestion. Errors
// are collected (never thrown), and getters return a harmless placeholder so reading goes on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/diagnostics.hpp"
#include "sim/core/time.hpp"
#include "sim/scenario/config_node.hpp"

namespace lsim {

class ParamReader {
 public:
  /// `node` should be a map (anything else is reported once); `path` is its key path.
  ParamReader(const ConfigNode& node, std::string path, Diagnostics& diags);

  /// Whether `key` is present; also records it as a known key (for "did you mean").
  [[nodiscard]] bool has(const std::string& key);
  /// The raw child (nullptr when absent), marked as consumed.
  const ConfigNode* child(const std::string& key);
  /// When `key` is present: reports `message` at it and marks it consumed, without making it a
  /// known key (a key that belongs elsewhere). Returns whether it was present.
  bool refuse(const std::string& key, const std::string& message);

  // Required values: a missing key is an error at the mapping.
  Duration duration(const std::string& key);
  double rate_per_s(const std::string& key);
  double number(const std::string& key);
  std::string string(const std::string& key);

  // Optional values with a default.
  Duration duration_or(const std::string& key, Duration def);
  std::optional<Duration> optional_duration(const std::string& key);
  int memory_mb_or(const std::string& key, int def);
  double number_or(const std::string& key, double def);
  std::int64_t integer_or(const std::string& key, std::int64_t def);
  std::optional<std::int64_t> optional_integer(const std::string& key);
  std::string string_or(const std::string& key, const std::string& def);
  bool boolean_or(const std::string& key, bool def);
  /// A list of durations (each with its unit); missing = error when `required`.
  std::vector<Duration> duration_list(const std::string& key, bool required = true);

  /// Range checks with located messages; they return `ok` so callers can chain.
  bool check(bool ok, const std::string& key, const std::string& message);

  /// An error about `key` (at the key when present, else at the mapping).
  void error(const std::string& key, const std::string& message);
  void warning(const std::string& key, const std::string& message);
  /// Reports every key that no getter asked for. Call once, after all getters.
  void finish();

  [[nodiscard]] std::string path_of(const std::string& key) const;
  [[nodiscard]] SourceLoc loc_of(const std::string& key) const;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const ConfigNode& node() const { return node_; }
  [[nodiscard]] Diagnostics& diagnostics() { return diags_; }
  [[nodiscard]] const std::vector<std::string>& known_keys() const { return known_; }

 private:
  const ConfigNode* lookup(const std::string& key);
  const ConfigNode* scalar(const std::string& key, bool required);

  const ConfigNode& node_;
  std::string path_;
  Diagnostics& diags_;
  std::vector<std::string> known_;
  std::vector<std::string> consumed_;
};

}  // namespace lsim
