// YAML → ConfigNode, with locations, duplicate-key detection and resource limits.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <fstream>
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

namespace {

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

  ConfigNode convert(const YAML::Node& n, int depth, const std::string& path) {
    ConfigNode out;
    if (aborted) return out;
    out.loc = loc(n.Mark());
    out.key_loc = out.loc;
    if (++nodes > limits.max_nodes) {
      diags.error(out.loc, path,
                  fmt::format("document too large: more than {} nodes (after expanding aliases)",
                              limits.max_nodes));
      aborted = true;
      return out;
    }
    if (depth > limits.max_depth) {
      diags.error(out.loc, path, fmt::format("nesting deeper than {} levels", limits.max_depth));
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
          out.items.push_back(convert(item, depth + 1, fmt::format("{}[{}]", path, i++)));
          if (aborted) break;
        }
        break;
      }
      case YAML::NodeType::Map: {
        out.kind = ConfigNode::Kind::Map;
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) {
            diags.error(loc(kv.first.Mark()), path, "a key must be a plain name");
            continue;
          }
          const std::string key = kv.first.Scalar();
          const std::string child_path = path.empty() ? key : path + "." + key;
          if (out.find(key) != nullptr) {
            diags.error(loc(kv.first.Mark()), child_path, fmt::format("duplicate key '{}'", key));
            continue;
          }
          ConfigNode child = convert(kv.second, depth + 1, child_path);
          child.key_loc = loc(kv.first.Mark());
          if (child.loc.line == 0) child.loc = child.key_loc;  // null values have no mark
          out.entries.emplace_back(key, std::move(child));
          if (aborted) break;
        }
        break;
      }
    }
    return out;
  }
};

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
    for (char c : text) {
      if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
      else if ((c == ']' || c == '}') && depth > 0) --depth;
    }
    if (max_depth > limits.max_depth * 4) {
      diags.error({origin, 0, 0}, "",
                  fmt::format("nesting deeper than {} levels", limits.max_depth));
      return {};
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
    return conv.convert(root, 0, "");
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
