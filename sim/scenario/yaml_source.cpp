// YAML → ConfigNode, with locations, duplicate-key detection and resource limits.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <unordered_set>
#include <sstream>

#include "sim/scenario/config_node.hpp"

namespace lsim {

const ConfigNode* ConfigNode::find(const std::string& key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  for (auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

void relocate(ConfigNode& node, const SourceLoc& loc) {
  node.loc = loc;
  node.key_loc = loc;
  for (auto& item : node.items) relocate(item, loc);
  for (auto& [key, value] : node.entries) relocate(value, loc);
}

namespace {

// The key path of a node, built only when a message needs it (an alias bomb has millions of
// nodes, and formatting a path for each would dominate the time).
struct PathLink {
  const PathLink* parent;
  const std::string* key;  // a map key, or
  std::size_t index;       // a list index when key is null

  std::string str() const {
    std::string up = parent != nullptr ? parent->str() : std::string();
    if (key == nullptr) return up + fmt::format("[{}]", index);
    return up.empty() ? *key : up + "." + *key;
  }
};

std::string path_of(const PathLink* link) { return link != nullptr ? link->str() : std::string(); }

struct Converter {
  const std::string& origin;
  Diagnostics& diags;
  const InputLimits& limits;
  std::size_t nodes = 0;
  bool aborted = false;

  SourceLoc loc(const YAML::Mark& m) const {
    if (m.is_null()) return {origin, 0, 0};
    return {origin, m.line + 1, m.column + 1};
  }

  ConfigNode convert(const YAML::Node& n, int depth, const PathLink* path) {
    ConfigNode out;
    if (aborted) return out;
    out.loc = loc(n.Mark());
    out.key_loc = out.loc;
    if (++nodes > limits.max_nodes) {
      diags.error(out.loc, path_of(path),
                  fmt::format("document too large: more than {} nodes (after expanding aliases)",
                              limits.max_nodes));
      aborted = true;
      return out;
    }
    if (depth > limits.max_depth) {
      diags.error(out.loc, "", fmt::format("nesting deeper than {} levels", limits.max_depth));
      aborted = true;
      return out;
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = ConfigNode::Kind::Null;
        break;
      case YAML::NodeType::Scalar:
        out.kind = ConfigNode::Kind::Scalar;
        out.scalar = n.Scalar();
        break;
      case YAML::NodeType::Sequence: {
        out.kind = ConfigNode::Kind::List;
        std::size_t i = 0;
        for (const auto& item : n) {
          const PathLink link{path, nullptr, i++};
          out.items.push_back(convert(item, depth + 1, &link));
          if (aborted) break;
        }
        break;
      }
      case YAML::NodeType::Map: {
        out.kind = ConfigNode::Kind::Map;
        std::unordered_set<std::string> seen;  // duplicate keys, in O(1) each
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) {
            diags.error(loc(kv.first.Mark()), path_of(path), "a key must be a plain name");
            continue;
          }
          const std::string key = kv.first.Scalar();
          const PathLink link{path, &key, 0};
          if (!seen.insert(key).second) {
            diags.error(loc(kv.first.Mark()), link.str(), fmt::format("duplicate key '{}'", key));
            continue;
          }
          ConfigNode child = convert(kv.second, depth + 1, &link);
          child.key_loc = loc(kv.first.Mark());
          if (child.loc.line == 0) child.loc = child.key_loc;  // null values have no mark
          out.entries.push_back({key, std::move(child)});
          if (aborted) break;
        }
        break;
      }
    }
    return out;
  }
};

// The first byte that is not valid UTF-8, as (line, column), or (0, 0) when all are valid.
std::pair<int, int> first_invalid_utf8(const std::string& text) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || (len == 2 && c < 0xC2) || i + len > text.size()) return {line, col};
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return {line, col};
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return {0, 0};
}

}  // namespace

ConfigNode parse_yaml_text(const std::string& text, const std::string& origin, Diagnostics& diags,
                           const InputLimits& limits) {
  if (text.size() > limits.max_file_bytes) {
    diags.error({origin, 0, 0}, "",
                fmt::format("file is {} bytes; the limit is {} bytes", text.size(),
                            limits.max_file_bytes));
    return {};
  }
  if (text.find('\0') != std::string::npos) {
    diags.error({origin, 0, 0}, "", "not a text file (it contains NUL bytes)");
    return {};
  }
  // yaml-cpp recurses once per nesting level while parsing: refuse absurd nesting before it
  // can exhaust the stack. Counting brackets and indentation is a cheap upper bound.
  {
    int depth = 0, max_depth = 0;
    bool line_start = true;
    int dashes = 0;  // block lists nested on one line: "- - - - x"
    for (char c : text) {
      if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
      else if ((c == ']' || c == '}') && depth > 0) --depth;
      if (c == '\n') {
        line_start = true;
        dashes = 0;
      } else if (line_start && c == '-') {
        max_depth = std::max(max_depth, ++dashes);
      } else if (c != ' ') {
        line_start = false;
      }
    }
    if (max_depth > limits.max_depth * 4) {
      diags.error({origin, 0, 0}, "",
                  fmt::format("nesting deeper than {} levels", limits.max_depth));
      return {};
    }
  }
  if (const auto [line, col] = first_invalid_utf8(text); line > 0) {
    diags.error({origin, line, col}, "", "not a UTF-8 text file (invalid byte here)");
    return {};
  }
  // A second document is refused rather than silently ignored. It starts with a "---" line at
  // column 0 after some content (a marker there always starts a document, even after a block
  // scalar). Found by scanning, because yaml-cpp 0.7's LoadAll can loop forever on some inputs.
  {
    bool content = false;
    int line = 0;
    for (std::size_t pos = 0; pos <= text.size();) {
      const std::size_t end = std::min(text.find('\n', pos), text.size());
      const std::string_view l(text.data() + pos, end - pos);
      ++line;
      const bool marker = l.starts_with("---") && (l.size() == 3 || l[3] == ' ' || l[3] == '\r');
      if (marker && content) {
        diags.error({origin, line, 1}, "",
                    "a second YAML document starts here; a scenario is one document (remove the "
                    "'---' separator)");
        return {};
      }
      const auto first = l.find_first_not_of(" \t\r");
      if (!marker && first != std::string_view::npos && l[first] != '#' && l[first] != '%')
        content = true;
      pos = end + 1;
    }
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLoc where{origin, 0, 0};
    if (!e.mark.is_null()) where = {origin, e.mark.line + 1, e.mark.column + 1};
    diags.error(where, "", fmt::format("YAML syntax error: {}", e.msg));
    return {};
  }
  Converter conv{origin, diags, limits};
  try {
    return conv.convert(root, 0, nullptr);
  } catch (const YAML::Exception& e) {
    diags.error({origin, 0, 0}, "", fmt::format("YAML error: {}", e.msg));
    return {};
  }
}

ConfigNode load_yaml_file(const std::string& path, Diagnostics& diags, const InputLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0}, "", "cannot open file (does it exist and is it readable?)");
    return {};
  }
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size > 0 && static_cast<std::size_t>(size) > limits.max_file_bytes) {
    diags.error({path, 0, 0}, "",
                fmt::format("file is {} bytes; the limit is {} bytes", static_cast<long long>(size),
                            limits.max_file_bytes));
    return {};
  }
  in.seekg(0);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    diags.error({path, 0, 0}, "", "cannot read file");
    return {};
  }
  return parse_yaml_text(buf.str(), path, diags, limits);
}

}  // namespace lsim
