// --set key.path=value overrides, applied to the configuration tree before it is read, so an
// override is checked exactly like the file (unknown keys, units, ranges).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>

#include "sim/scenario/load.hpp"

namespace lsim {
namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "functions[0].memory" and "functions.0.memory" both become {functions, 0, memory}.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '.' || c == '[' || c == ']') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

void apply_override(ConfigNode& root, const std::string& assignment, Diagnostics& diags) {
  const SourceLoc where{"--set " + assignment, 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.error(where, "", "expected key.path=value, e.g. functions.api.memory=1024MB");
    return;
  }
  const std::string key_path = assignment.substr(0, eq);
  const std::string value_text = assignment.substr(eq + 1);
  const std::vector<std::string> segments = split_path(key_path);
  if (segments.empty()) {
    diags.error(where, "", "empty key path");
    return;
  }
  Diagnostics value_diags;
  ConfigNode value = parse_yaml_text(value_text, where.file, value_diags);
  if (value_diags.has_errors()) {
    for (const auto& d : value_diags.all()) diags.error(where, key_path, d.message);
    return;
  }
  relocate(value, where);
  if (value.is_null() && value_text.empty()) value.kind = ConfigNode::Kind::Scalar;  // key=

  if (root.is_null()) {  // an empty file: --set can still build it up
    root.kind = ConfigNode::Kind::Map;
  }
  ConfigNode* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (cur->is_list()) {
      ConfigNode* item = nullptr;
      if (all_digits(seg)) {
        const std::size_t idx = std::stoul(seg);
        if (idx < cur->items.size()) item = &cur->items[idx];
        else {
          diags.error(where, walked,
                      fmt::format("index {} is out of range (the list has {} items)", idx,
                                  cur->items.size()));
          return;
        }
      } else {
        std::vector<std::string> names;
        for (auto& it : cur->items) {
          const ConfigNode* n = it.is_map() ? it.find("name") : nullptr;
          if (n != nullptr && n->is_scalar()) {
            names.push_back(n->scalar);
            if (n->scalar == seg) item = &it;
          }
        }
        if (item == nullptr) {
          std::string msg = fmt::format("no item named '{}'", seg);
          const std::string guess = closest_match(seg, names);
          if (!guess.empty()) msg += fmt::format(" (did you mean '{}'?)", guess);
          if (!names.empty()) msg += fmt::format("; known: {}", fmt::join(names, ", "));
          diags.error(where, walked, msg);
          return;
        }
      }
      walked += fmt::format("[{}]", seg);
      if (last) {
        *item = std::move(value);
        return;
      }
      cur = item;
      continue;
    }
    if (cur->is_null()) cur->kind = ConfigNode::Kind::Map;
    if (!cur->is_map()) {
      diags.error(where, walked,
                  fmt::format("'{}' is a single value; it has no key '{}'", walked, seg));
      return;
    }
    walked += walked.empty() ? seg : "." + seg;
    ConfigNode* child = cur->find(seg);
    if (child == nullptr) {
      ConfigNode fresh;
      fresh.loc = fresh.key_loc = where;
      cur->entries.push_back({seg, std::move(fresh)});
      child = &cur->entries.back().value;
    }
    if (last) {
      *child = std::move(value);
      child->key_loc = where;
      return;
    }
    cur = child;
  }
}

}  // namespace lsim
