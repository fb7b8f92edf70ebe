// Formatting and collection of located diagnostics.
#include "sim/core/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lsim {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.loc.file.empty()) {
    out += d.loc.file;
    if (d.loc.line > 0) out += fmt::format(":{}:{}", d.loc.line, d.loc.column);
    out += ": ";
  }
  out += d.severity == Severity::Error ? "error: " : "warning: ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

void Diagnostics::error(SourceLoc loc, std::string path, std::string message) {
  items_.push_back({Severity::Error, std::move(loc), std::move(path), std::move(message)});
  ++errors_;
}

void Diagnostics::warning(SourceLoc loc, std::string path, std::string message) {
  items_.push_back({Severity::Warning, std::move(loc), std::move(path), std::move(message)});
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) {
    out += format_diagnostic(d);
    out += '\n';
  }
  return out;
}

static std::string first_error_text(const Diagnostics& d) {
  for (const auto& item : d.all())
    if (item.severity == Severity::Error) return format_diagnostic(item);
  return "invalid input";
}

ScenarioError::ScenarioError(Diagnostics d)
    : std::runtime_error(first_error_text(d)), diags_(std::move(d)) {}

static Diagnostics single(SourceLoc loc, std::string path, std::string message) {
  Diagnostics d;
  d.error(std::move(loc), std::move(path), std::move(message));
  return d;
}

ScenarioError::ScenarioError(SourceLoc loc, std::string path, std::string message)
    : ScenarioError(single(std::move(loc), std::move(path), std::move(message))) {}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // Optimal string alignment distance: insertions, deletions, substitutions and transpositions
  // of neighbours each cost 1, so the common typo "rnu" is one edit from "run".
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 64) return {};  // no plausible typo, and keeps the O(n·m) table small
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // A plausible typo: at most a third of the word changed (and at least one edit allowed).
  const std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
  return best_d <= limit ? best : std::string{};
}

}  // namespace lsim
