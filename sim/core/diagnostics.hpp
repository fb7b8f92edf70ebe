// Diagnostics with source locations: every problem with user input reads like a compiler's,
// `file:line:col: error: key.path: message`, and all of them are collected before reporting.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace lsim {

/// A place in an input file. line and column are 1-based; 0 means "unknown" (printed as `file:`).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLoc loc;
  std::string path;     ///< key path such as `functions[0].memory`; may be empty
  std::string message;
};

/// `file:line:col: error: path: message` (pieces that are unknown are left out).
std::string format_diagnostic(const Diagnostic& d);

/// Collects diagnostics; the loader adds to it and keeps going so the user sees every error at once.
class Diagnostics {
 public:
  void error(SourceLoc loc, std::string path, std::string message);
  void warning(SourceLoc loc, std::string path, std::string message);
  [[nodiscard]] bool has_errors() const { return errors_ > 0; }
  [[nodiscard]] std::size_t error_count() const { return errors_; }
  [[nodiscard]] const std::vector<Diagnostic>& all() const { return items_; }
  /// Every diagnostic, one per line, in the order found.
  [[nodiscard]] std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
};

/// Thrown when user input (a scenario, a data file, the command line) is unusable. Carries every
/// diagnostic found; main prints them and exits with code 2.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(Diagnostics d);
  ScenarioError(SourceLoc loc, std::string path, std::string message);
  [[nodiscard]] const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

/// Edit distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
/// The closest candidate to `word` if it is close enough to be a plausible typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace lsim
