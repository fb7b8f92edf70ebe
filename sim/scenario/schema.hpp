// The JSON Schema of a scenario file, generated from the model registries (`lambdasim schema`),
// so editors with a YAML language server can validate and complete scenarios. The shipped copy,
// scenarios/lambdasim.schema.json, must equal this output byte for byte (a test checks it).
#pragma once

#include <string>

#include "sim/lambda/registries.hpp"

namespace lsim {

/// A JSON Schema (draft-07) for scenario files as the loader (sim/scenario/load.cpp) reads them:
/// every key it accepts with its description, unit patterns, numeric ranges and required keys, and
/// for each model key one alternative per registered `type:` with its parameters, plus the bare
/// type names the registry builds without parameters (it builds each type once to know; factories
/// draw nothing). Deterministic (fixed key order), pretty-printed with two-space indentation,
/// ending with a newline.
std::string scenario_json_schema(const Registries& registries);

}  // namespace lsim
