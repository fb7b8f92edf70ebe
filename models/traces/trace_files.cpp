// Shared helpers of the trace readers (trace arrivals and `lambdasim import`).
#include "models/traces/trace_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace lsim::trace {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (;;) {
    const std::size_t comma = line.find(',');
    out.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

std::optional<double> parse_number(std::string_view field) {
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc{} || end != field.data() + field.size() || field.empty() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

bool is_blank_or_comment(std::string_view line) {
  const std::string_view t = trim(line);
  return t.empty() || t.front() == '#';
}

void fail_at(const std::string& file, std::size_t line, const std::string& message) {
  throw ScenarioError(SourceLoc{file, static_cast<int>(line), line > 0 ? 1 : 0}, "", message);
}

std::optional<std::size_t> column(const std::vector<std::string_view>& header,
                                  std::string_view name) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - header.begin());
}

Azure2019Files find_azure2019_files(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    fail_at(folder, 0,
            "not a folder: the azure2019 layout is the folder that holds "
            "invocations_per_function_md.anon.dNN.csv and its duration and memory files");
  const std::string prefix = "invocations_per_function_md.anon.";
  std::vector<std::string> days;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".csv"))
      days.push_back(name.substr(prefix.size(), name.size() - prefix.size() - 4));
  }
  if (days.empty())
    fail_at(folder, 0, "no invocations_per_function_md.anon.dNN.csv in this folder");
  std::sort(days.begin(), days.end());
  Azure2019Files f;
  f.day = days.front();
  const fs::path dir(folder);
  f.invocations = (dir / (prefix + f.day + ".csv")).string();
  const fs::path durations = dir / ("function_durations_percentiles.anon." + f.day + ".csv");
  const fs::path memory = dir / ("app_memory_percentiles.anon." + f.day + ".csv");
  if (fs::exists(durations, ec)) f.durations = durations.string();
  if (fs::exists(memory, ec)) f.memory = memory.string();
  return f;
}

std::string lambda_name(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 64)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? "fn" : out;
}

}  // namespace lsim::trace
