// Loading a scenario: YAML → ConfigNode → (--set overrides) → ScenarioSpec, validated. Every
// problem is collected and reported at once, as `file:line:col: error: key.path: message`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/lambda/registries.hpp"
#include "sim/scenario/config_node.hpp"
#include "sim/scenario/spec.hpp"

namespace lsim {

/// Loads and validates the scenario file at `path`, applying `overrides` ("key.path=value", as
/// given to --set) first. Throws ScenarioError with every diagnostic when anything is wrong.
/// Warnings are appended to `warnings` when it is given.
ScenarioSpec load_scenario(const std::string& path, const Registries& registries,
                           const std::vector<std::string>& overrides = {},
                           Diagnostics* warnings = nullptr);

/// The same for YAML text; `origin` names it in messages and its folder anchors relative paths.
ScenarioSpec load_scenario_text(const std::string& text, const std::string& origin,
                                const Registries& registries,
                                const std::vector<std::string>& overrides = {},
                                Diagnostics* warnings = nullptr);

/// AWS function names (and alias names) are at most 64 characters, each an ASCII letter, a digit,
/// '-' or '_'.
inline constexpr std::size_t kMaxFunctionNameLength = 64;
constexpr bool function_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
/// 1 to kMaxFunctionNameLength characters, each function_name_char().
bool valid_function_name(std::string_view name);

/// Applies one `key.path=value` override to `root` (list items by index or by `name`:
/// `functions.0.memory=1024MB`, `functions.api.memory=1024MB`, `functions[0].memory=...`).
/// The value is YAML, so `--set 'functions.api.keep_alive={type: fixed, idle: 1m}'` works.
void apply_override(ConfigNode& root, const std::string& assignment, Diagnostics& diags);

}  // namespace lsim
