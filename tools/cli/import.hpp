// `lambdasim import`: a trace (csv, Azure 2019, Azure 2021) becomes a ready-to-run scenario.
#pragma once

#include <string>
#include <vector>

namespace lsim::cli {

extern const char* const kImportHelp;

/// Runs `lambdasim import ARGS...`; returns the exit code. Command-line mistakes throw
/// std::invalid_argument ("import: …"), unusable traces ScenarioError (both exit 2 in main).
int cmd_import(const std::vector<std::string>& args);

}  // namespace lsim::cli
