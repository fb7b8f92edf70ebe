// Test support: a strict JSON (RFC 8259) parser and a compact writer, to check generated JSON and
// to build scenario text in tests (JSON is YAML, so the loader reads what to_json writes).
// Header-only; include from any test.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lsim::test {

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A JSON value. Object members keep document order; duplicate keys are a parse error.
struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string text;  ///< String: the (decoded, UTF-8) value; Number: the literal as written
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  static JsonValue make_string(std::string s) {
    JsonValue v;
    v.kind = Kind::String;
    v.text = std::move(s);
    return v;
  }
  static JsonValue make_number(double d) {
    JsonValue v;
    v.kind = Kind::Number;
    v.number = d;
    v.text = d == std::floor(d) && std::abs(d) < 1e15
                 ? fmt::format("{}", static_cast<std::int64_t>(d))
                 : fmt::format("{}", d);
    return v;
  }
  static JsonValue make_bool(bool b) {
    JsonValue v;
    v.kind = Kind::Bool;
    v.boolean = b;
    return v;
  }
  static JsonValue make_array() {
    JsonValue v;
    v.kind = Kind::Array;
    return v;
  }
  static JsonValue make_object() {
    JsonValue v;
    v.kind = Kind::Object;
    return v;
  }

  [[nodiscard]] bool is_object() const { return kind == Kind::Object; }
  [[nodiscard]] bool is_array() const { return kind == Kind::Array; }
  [[nodiscard]] bool is_string() const { return kind == Kind::String; }
  [[nodiscard]] bool is_number() const { return kind == Kind::Number; }

  /// The member `key` of an object, or nullptr.
  [[nodiscard]] const JsonValue* find(std::string_view key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
  [[nodiscard]] JsonValue* find(std::string_view key) {
    for (auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
  /// The member `key`; throws JsonError when there is none.
  [[nodiscard]] const JsonValue& at(std::string_view key) const {
    if (const JsonValue* v = find(key)) return *v;
    throw JsonError(fmt::format("no member '{}'", key));
  }
  [[nodiscard]] JsonValue& at(std::string_view key) {
    if (JsonValue* v = find(key)) return *v;
    throw JsonError(fmt::format("no member '{}'", key));
  }
  /// Replaces member `key`, or appends it.
  JsonValue& set(const std::string& key, JsonValue value) {
    if (JsonValue* v = find(key)) return *v = std::move(value);
    members.emplace_back(key, std::move(value));
    return members.back().second;
  }
  void erase(std::string_view key) {
    for (auto it = members.begin(); it != members.end(); ++it)
      if (it->first == key) {
        members.erase(it);
        return;
      }
  }
};

namespace detail {

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  JsonValue parse_document() {
    skip_ws();
    JsonValue v = parse_value(0);
    skip_ws();
    if (i_ != s_.size()) fail("trailing characters after the value");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 256;

  [[noreturn]] void fail(const std::string& what) const {
    throw JsonError(fmt::format("invalid JSON at byte {}: {}", i_, what));
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(fmt::format("expected '{}'", c));
  }
  void literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) fail("unexpected character");
    i_ += word.size();
  }

  JsonValue parse_value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    if (i_ >= s_.size()) fail("unexpected end of input");
    JsonValue v;
    switch (s_[i_]) {
      case '{': {
        ++i_;
        v.kind = JsonValue::Kind::Object;
        skip_ws();
        if (eat('}')) return v;
        while (true) {
          skip_ws();
          if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string key");
          std::string key = parse_string();
          if (v.find(key) != nullptr) fail(fmt::format("duplicate key '{}'", key));
          skip_ws();
          expect(':');
          skip_ws();
          JsonValue member = parse_value(depth + 1);
          v.members.emplace_back(std::move(key), std::move(member));
          skip_ws();
          if (eat('}')) return v;
          expect(',');
        }
      }
      case '[': {
        ++i_;
        v.kind = JsonValue::Kind::Array;
        skip_ws();
        if (eat(']')) return v;
        while (true) {
          skip_ws();
          v.items.push_back(parse_value(depth + 1));
          skip_ws();
          if (eat(']')) return v;
          expect(',');
        }
      }
      case '"':
        v.kind = JsonValue::Kind::String;
        v.text = parse_string();
        return v;
      case 't':
        literal("true");
        return JsonValue::make_bool(true);
      case 'f':
        literal("false");
        return JsonValue::make_bool(false);
      case 'n':
        literal("null");
        return v;
      default:
        return parse_number();
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  JsonValue parse_number() {
    const std::size_t start = i_;
    auto digits = [&] {
      const std::size_t from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - from;
    };
    eat('-');
    if (eat('0')) {
      if (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') fail("leading zero in a number");
    } else if (digits() == 0) {
      fail("unexpected character");
    }
    if (eat('.') && digits() == 0) fail("expected digits after '.'");
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (!eat('+')) eat('-');
      if (digits() == 0) fail("expected digits in the exponent");
    }
    JsonValue v;
    v.kind = JsonValue::Kind::Number;
    v.text = std::string(s_.substr(start, i_ - start));
    auto [ptr, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), v.number);
    if (ec != std::errc{} || ptr != v.text.data() + v.text.size()) fail("number out of range");
    return v;
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      cp <<= 4;
      if (c >= '0' && c <= '9')
        cp |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        cp |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        cp |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("bad hex digit in \\u escape");
    }
    return cp;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Length of the well-formed UTF-8 sequence at i_ (RFC 3629), or 0.
  [[nodiscard]] std::size_t utf8_length() const {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s_[i_ + k]); };
    const unsigned lead = b(0);
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      len = 3;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      len = 4;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return 0;
    }
    if (i_ + len > s_.size() || b(1) < lo || b(1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k)
      if (b(k) < 0x80 || b(k) > 0xBF) return 0;
    return len;
  }

  std::string parse_string() {
    expect('"');
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return out;
      }
      if (c < 0x20) fail("unescaped control character in a string");
      if (c >= 0x80) {
        const std::size_t len = utf8_length();
        if (len == 0) fail("invalid UTF-8");
        out.append(s_.substr(i_, len));
        i_ += len;
        continue;
      }
      ++i_;
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      switch (s_[i_++]) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") fail("lone high surrogate");
            i_ += 2;
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail("unknown escape");
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline void write_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out += ch;
    }
  }
  out += '"';
}

inline void write_json(std::string& out, const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::Null:
      out += "null";
      return;
    case JsonValue::Kind::Bool:
      out += v.boolean ? "true" : "false";
      return;
    case JsonValue::Kind::Number:
      out += v.text;
      return;
    case JsonValue::Kind::String:
      write_json_string(out, v.text);
      return;
    case JsonValue::Kind::Array:
      out += '[';
      for (std::size_t n = 0; n < v.items.size(); ++n) {
        if (n > 0) out += ", ";
        write_json(out, v.items[n]);
      }
      out += ']';
      return;
    case JsonValue::Kind::Object:
      out += '{';
      for (std::size_t n = 0; n < v.members.size(); ++n) {
        if (n > 0) out += ", ";
        write_json_string(out, v.members[n].first);
        out += ": ";
        write_json(out, v.members[n].second);
      }
      out += '}';
      return;
  }
}

}  // namespace detail

/// Parses one JSON document (RFC 8259, UTF-8). Throws JsonError naming the byte offset.
inline JsonValue parse_json(std::string_view text) {
  return detail::JsonParser(text).parse_document();
}

/// Compact JSON on one line (", " and ": " separators), members in order.
inline std::string to_json(const JsonValue& v) {
  std::string out;
  detail::write_json(out, v);
  return out;
}

}  // namespace lsim::test
