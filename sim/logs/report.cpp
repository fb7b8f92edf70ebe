// Parsing of Lambda's platform log lines (REPORT, INIT_REPORT, RESTORE_REPORT; text and JSON) into
// exact records. The formats and their quirks are described in report.hpp and
// tests/data/report_lines/README.md.
#include "sim/logs/report.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>
#include <vector>

namespace lsim {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// At most 12 integer digits: 10^12 ms is 31 years, and 10^12 x 1000 us fits comfortably in 64
/// bits.
constexpr std::size_t kMaxIntegerDigits = 12;

std::optional<std::int64_t> parse_whole(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

/// A short, printable excerpt of `text` for messages.
std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 24;
  std::string out;
  for (char c : text.substr(0, kMax)) out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  if (text.size() > kMax) out += "...";
  return out;
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
Date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return Date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// Microseconds since the epoch of a timestamp token with a time of day: ISO-8601
/// `YYYY-MM-DD[T ]HH:MM:SS[.digits][Z|+HH:MM|-HH:MM|+HHMM]` (no zone: UTC) or 13-digit epoch
/// milliseconds. Digits of a fraction past the microsecond are dropped.
std::optional<std::int64_t> timestamp_epoch_us(std::string_view t) {
  if (t.size() == 13) {
    if (auto ms = parse_whole(t, 13)) return *ms * 1000;
  }
  if (t.size() < 19 || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  const auto date = parse_date(t.substr(0, 10));
  const auto hh = parse_whole(t.substr(11, 2), 2);
  const auto mm = parse_whole(t.substr(14, 2), 2);
  const auto ss = parse_whole(t.substr(17, 2), 2);
  if (!date || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  std::int64_t us = 0;
  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    std::int64_t unit = 100'000;
    const std::size_t start = pos;
    for (; pos < t.size() && is_digit(t[pos]); ++pos) {
      us += (t[pos] - '0') * unit;
      unit /= 10;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_s = 0;
  const std::string_view zone = t.substr(pos);
  if (zone == "Z" || zone.empty()) {
    offset_s = 0;
  } else if ((zone[0] == '+' || zone[0] == '-') && (zone.size() == 6 || zone.size() == 5)) {
    const bool colon = zone.size() == 6;
    if (colon && zone[3] != ':') return std::nullopt;
    const auto oh = parse_whole(zone.substr(1, 2), 2);
    const auto om = parse_whole(zone.substr(colon ? 4 : 3, 2), 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (zone[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(date->year, date->month, date->day);
  const std::int64_t seconds = days * 86'400 + *hh * 3600 + *mm * 60 + *ss - offset_s;
  return seconds * 1'000'000 + us;
}

/// The function of a log-group token: `/aws/lambda/NAME` (after anything, e.g. an account id and
/// a colon); "" for other tokens.
std::string_view log_group_function(std::string_view token) {
  constexpr std::string_view kGroup = "/aws/lambda/";
  const std::size_t at = token.find(kGroup);
  if (at == std::string_view::npos) return {};
  std::string_view name = token.substr(at + kGroup.size());
  if (const std::size_t end = name.find_first_of(":,;|"); end != std::string_view::npos)
    name = name.substr(0, end);
  return name;
}

/// The date of a timestamp token: ISO-8601 (`2024-03-01`, `2024-03-01T12:00:00.000Z`) as
/// written, or epoch milliseconds (13 digits, UTC).
std::optional<Date> timestamp_date(std::string_view token) {
  if (token.size() >= 10) {
    if (token.size() == 10 || token[10] == 'T' || token[10] == ' ') {
      if (auto d = parse_date(token.substr(0, 10))) return d;
    }
  }
  if (token.size() == 13) {
    if (auto ms = parse_whole(token, 13)) return civil_from_days(*ms / 86'400'000);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// A small JSON reader: enough for one log event per line. Numbers keep their text so durations
// are converted exactly; nesting is bounded so hostile input cannot exhaust the stack.

struct Json {
  enum class Type { Null, Bool, Number, String, Object, Array };
  Type type = Type::Null;
  bool boolean = false;
  std::string text;               // Number: as written; String: decoded
  std::vector<std::string> keys;  // Object, in order
  std::vector<Json> values;       // Object values (parallel to keys) or Array items

  [[nodiscard]] const Json* get(std::string_view key) const {
    if (type != Type::Object) return nullptr;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &values[i];
    return nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}

  /// Parses one value spanning the whole text (surrounding white space allowed).
  bool parse(Json& out) {
    skip();
    if (!value(out, 0)) return false;
    skip();
    if (pos_ != s_.size()) return fail("unexpected text after the JSON value");
    return true;
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  static constexpr int kMaxDepth = 32;

  bool fail(std::string message) {
    if (error_.empty()) error_ = fmt::format("{} at column {}", message, pos_ + 1);
    return false;
  }
  void skip() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("invalid JSON literal");
    pos_ += word.size();
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > kMaxDepth) return fail("JSON nested too deeply");
    if (pos_ >= s_.size()) return fail("unexpected end of JSON");
    const char c = s_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.type = Json::Type::String;
      return string(out.text);
    }
    if (c == 't' || c == 'f') {
      out.type = Json::Type::Bool;
      out.boolean = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      out.type = Json::Type::Null;
      return literal("null");
    }
    if (c == '-' || is_digit(c)) {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && (is_digit(s_[pos_]) || s_[pos_] == '-' || s_[pos_] == '+' ||
                                  s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E'))
        ++pos_;
      out.type = Json::Type::Number;
      out.text = std::string(s_.substr(start, pos_ - start));
      return true;
    }
    return fail(fmt::format("unexpected character '{}'", c));
  }

  bool object(Json& out, int depth) {
    out.type = Json::Type::Object;
    ++pos_;  // '{'
    skip();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip();
      if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a quoted key");
      std::string key;
      if (!string(key)) return false;
      skip();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skip();
      Json v;
      if (!value(v, depth + 1)) return false;
      out.keys.push_back(std::move(key));
      out.values.push_back(std::move(v));
      skip();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  bool array(Json& out, int depth) {
    out.type = Json::Type::Array;
    ++pos_;  // '['
    skip();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skip();
      Json v;
      if (!value(v, depth + 1)) return false;
      out.values.push_back(std::move(v));
      skip();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
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

  bool hex4(std::uint32_t& cp) {
    if (pos_ + 4 > s_.size()) return fail("truncated \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      cp <<= 4;
      if (is_digit(h))
        cp |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        cp |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        cp |= static_cast<std::uint32_t>(h - 'A' + 10);
      else
        return fail("bad \\u escape");
    }
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
      switch (e) {
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
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          // A high surrogate followed by a low one is one code point; a lone one becomes U+FFFD.
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            std::uint32_t low = 0;
            if (!hex4(low)) return false;
            cp = (low >= 0xDC00 && low <= 0xDFFF) ? 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                                                  : 0xFFFD;
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail(fmt::format("bad escape '\\{}'", e));
      }
    }
    return fail("unterminated string");
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// The text form.

std::string_view kind_name(ReportKind k) {
  switch (k) {
    case ReportKind::Invoke:
      return "REPORT";
    case ReportKind::Init:
      return "INIT_REPORT";
    case ReportKind::Restore:
      return "RESTORE_REPORT";
  }
  return "REPORT";
}

enum class FieldType { Token, Ms, WholeMs, Mb, Bool };

struct FieldSpec {
  std::string_view key;  // without the colon
  FieldType type;
};

// Every field Lambda writes on its platform lines (developer guide: REPORT, INIT_REPORT and
// RESTORE_REPORT line fields, X-Ray suffix).
constexpr std::array<FieldSpec, 14> kFields{{
    {"RequestId", FieldType::Token},
    {"Duration", FieldType::Ms},
    {"Billed Duration", FieldType::WholeMs},
    {"Memory Size", FieldType::Mb},
    {"Max Memory Used", FieldType::Mb},
    {"Init Duration", FieldType::Ms},
    {"Restore Duration", FieldType::Ms},
    {"Billed Restore Duration", FieldType::WholeMs},
    {"Status", FieldType::Token},
    {"Error Type", FieldType::Token},
    {"Phase", FieldType::Token},
    {"XRAY TraceId", FieldType::Token},
    {"SegmentId", FieldType::Token},
    {"Sampled", FieldType::Bool},
}};

std::string known_fields() {
  std::string out;
  for (const auto& f : kFields) out += fmt::format("{}'{}'", out.empty() ? "" : ", ", f.key);
  return out;
}

struct TextField {
  std::string_view token;  // Token / Bool: the value; numbers: the digits
  PrintedMs ms;            // Ms / WholeMs
  std::int64_t whole = 0;  // WholeMs / Mb
};

class TextParser {
 public:
  TextParser(std::string_view body, ReportRecord& rec) : s_(body), rec_(rec) {}

  /// Whether the line had the field that fills ReportRecord::duration.
  [[nodiscard]] bool has_duration() const { return has_duration_; }

  /// Reads every field; returns an error message or "".
  std::string run() {
    std::array<bool, kFields.size()> seen{};
    while (true) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) break;
      std::size_t which = kFields.size();
      for (std::size_t i = 0; i < kFields.size(); ++i) {
        const std::string_view key = kFields[i].key;
        if (s_.substr(pos_, key.size()) == key && pos_ + key.size() < s_.size() &&
            s_[pos_ + key.size()] == ':') {
          which = i;
          break;
        }
      }
      if (which == kFields.size())
        return fmt::format("unexpected text '{}' (known fields: {})", excerpt(s_.substr(pos_)),
                           known_fields());
      const FieldSpec& spec = kFields[which];
      if (seen[which]) return fmt::format("field '{}' appears twice", spec.key);
      seen[which] = true;
      pos_ += spec.key.size() + 1;
      TextField f;
      if (std::string err = value(spec, f); !err.empty()) return err;
      if (std::string err = store(spec, f); !err.empty()) return err;
    }
    return "";
  }

 private:
  std::string_view token() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    const std::size_t start = pos_;
    while (pos_ < s_.size() && !is_space(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  /// A number and its unit, written `102.25 ms` or `102.25ms`.
  std::string number_with_unit(std::string_view unit, std::string_view& digits) {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    const std::size_t start = pos_;
    while (pos_ < s_.size() && (is_digit(s_[pos_]) || s_[pos_] == '.')) ++pos_;
    digits = s_.substr(start, pos_ - start);
    const std::size_t before_unit = pos_;
    const std::string_view u = token();
    if (u != unit) {
      pos_ = before_unit;
      return fmt::format("expected a number of {} but found '{}'", unit, excerpt(s_.substr(start)));
    }
    return "";
  }

  std::string value(const FieldSpec& spec, TextField& f) {
    switch (spec.type) {
      case FieldType::Token:
      case FieldType::Bool:
        f.token = token();
        if (f.token.empty()) return fmt::format("field '{}' has no value", spec.key);
        return "";
      case FieldType::Ms: {
        std::string_view digits;
        if (std::string err = number_with_unit("ms", digits); !err.empty())
          return fmt::format("field '{}': {}", spec.key, err);
        const auto ms = parse_printed_ms(digits);
        if (!ms) return fmt::format("field '{}': bad number '{}'", spec.key, excerpt(digits));
        f.ms = *ms;
        return "";
      }
      case FieldType::WholeMs:
      case FieldType::Mb: {
        std::string_view digits;
        const bool is_ms = spec.type == FieldType::WholeMs;
        if (std::string err = number_with_unit(is_ms ? "ms" : "MB", digits); !err.empty())
          return fmt::format("field '{}': {}", spec.key, err);
        const auto v = parse_whole(digits, is_ms ? kMaxIntegerDigits : 7);
        if (!v)
          return fmt::format("field '{}': '{}' is not a whole number{}", spec.key, excerpt(digits),
                             is_ms ? " of ms" : " of MB below 10,000,000");
        f.whole = *v;
        return "";
      }
    }
    return "";
  }

  std::string store(const FieldSpec& spec, const TextField& f) {
    const std::string_view k = spec.key;
    const bool invoke = rec_.kind == ReportKind::Invoke;
    auto misplaced = [&](std::string_view key) {
      return fmt::format("field '{}' does not belong on {} lines", key, kind_name(rec_.kind));
    };
    auto only_invoke = [&]() -> std::string { return invoke ? "" : misplaced(k); };
    if (k == "RequestId") {
      rec_.request_id = std::string(f.token);
    } else if (k == "Duration") {
      if (!invoke) return only_invoke();
      rec_.duration = f.ms;
      has_duration_ = true;
    } else if (k == "Billed Duration") {
      if (!invoke) return only_invoke();
      rec_.billed_ms = f.whole;
    } else if (k == "Memory Size") {
      if (!invoke) return only_invoke();
      rec_.memory_mb = static_cast<int>(f.whole);
    } else if (k == "Max Memory Used") {
      if (!invoke) return only_invoke();
      rec_.max_memory_mb = static_cast<int>(f.whole);
    } else if (k == "Init Duration") {
      if (rec_.kind == ReportKind::Restore) return misplaced(k);
      if (invoke) {
        rec_.init = f.ms;
      } else {
        rec_.duration = f.ms;
        has_duration_ = true;
      }
    } else if (k == "Restore Duration") {
      if (rec_.kind == ReportKind::Init) return misplaced(k);
      if (invoke) {
        rec_.restore = f.ms;
      } else {
        rec_.duration = f.ms;
        has_duration_ = true;
      }
    } else if (k == "Billed Restore Duration") {
      rec_.billed_restore_ms = f.whole;
    } else if (k == "Status") {
      rec_.status = std::string(f.token);
    } else if (k == "Error Type") {
      rec_.error_type = std::string(f.token);
    } else if (k == "Phase") {
      rec_.phase = std::string(f.token);
    } else if (k == "XRAY TraceId") {
      rec_.xray_trace_id = std::string(f.token);
    } else if (k == "SegmentId") {
      rec_.xray_segment_id = std::string(f.token);
    } else if (k == "Sampled") {
      if (f.token == "true")
        rec_.xray_sampled = true;
      else if (f.token == "false")
        rec_.xray_sampled = false;
      else
        return fmt::format("field 'Sampled': expected true or false, found '{}'", excerpt(f.token));
    }
    return "";
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  ReportRecord& rec_;
  bool has_duration_ = false;
};

/// Checks the fields every record of its kind must have; "" when complete.
std::string missing_fields(const ReportRecord& r, bool has_duration) {
  std::vector<std::string_view> missing;
  if (r.kind == ReportKind::Invoke) {
    if (r.request_id.empty()) missing.push_back("RequestId");
    if (!has_duration) missing.push_back("Duration");
    if (!r.billed_ms) missing.push_back("Billed Duration");
    if (!r.memory_mb) missing.push_back("Memory Size");
    if (!r.max_memory_mb) missing.push_back("Max Memory Used");
  } else if (!has_duration) {
    missing.push_back(r.kind == ReportKind::Init ? "Init Duration" : "Restore Duration");
  }
  if (missing.empty()) return "";
  std::string list;
  for (auto m : missing) list += fmt::format("{}'{}'", list.empty() ? "" : ", ", m);
  return fmt::format("{} line without {}", kind_name(r.kind), list);
}

/// Reads the prefix's first timestamp token (date and epoch time; unless `keep_time`, i.e. a JSON
/// "time" already gave them) and its log group's function name.
void read_prefix(std::string_view prefix, ReportRecord& rec, bool keep_time = false) {
  std::size_t pos = 0;
  bool dated = keep_time;
  while (pos < prefix.size()) {
    while (pos < prefix.size() && is_space(prefix[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < prefix.size() && !is_space(prefix[pos])) ++pos;
    const std::string_view tok = prefix.substr(start, pos - start);
    if (tok.empty()) break;
    if (rec.function_name.empty()) rec.function_name = std::string(log_group_function(tok));
    if (dated) continue;
    if (auto d = timestamp_date(tok)) {
      rec.date = d;
      rec.timestamp = std::string(tok);
      rec.timestamp_epoch_us = timestamp_epoch_us(tok);
      dated = true;
    }
  }
}

ParsedLine parse_text(std::string_view prefix, std::string_view body, ReportKind kind,
                      std::size_t line_number) {
  ReportRecord rec;
  rec.kind = kind;
  rec.format = ReportFormat::Text;
  rec.line = line_number;
  read_prefix(prefix, rec);
  TextParser p(body, rec);
  if (std::string err = p.run(); !err.empty())
    return ReportDiagnostic{line_number, fmt::format("{} line: {}", kind_name(kind), err)};
  if (std::string err = missing_fields(rec, p.has_duration()); !err.empty())
    return ReportDiagnostic{line_number, err};
  return rec;
}

// ---------------------------------------------------------------------------------------------
// The JSON form.

std::string json_ms(const Json* v, std::string_view name, PrintedMs& out) {
  if (v == nullptr) return fmt::format("no \"{}\"", name);
  if (v->type != Json::Type::Number) return fmt::format("\"{}\" is not a number", name);
  const auto ms = parse_printed_ms(v->text);
  if (!ms) return fmt::format("\"{}\": bad number '{}'", name, excerpt(v->text));
  out = *ms;
  return "";
}

std::string json_whole(const Json* v, std::string_view name, std::size_t max_digits,
                       std::int64_t& out) {
  if (v == nullptr) return fmt::format("no \"{}\"", name);
  if (v->type != Json::Type::Number) return fmt::format("\"{}\" is not a number", name);
  const auto w = parse_whole(v->text, max_digits);
  if (!w) return fmt::format("\"{}\": '{}' is not a whole number", name, excerpt(v->text));
  out = *w;
  return "";
}

std::string json_string(const Json* v) {
  return (v != nullptr && v->type == Json::Type::String) ? v->text : std::string();
}

ParsedLine parse_json(std::string_view prefix, std::string_view text, std::size_t line_number) {
  const bool mentions_platform = text.find("platform.report") != std::string_view::npos ||
                                 text.find("platform.initReport") != std::string_view::npos ||
                                 text.find("platform.restoreReport") != std::string_view::npos;
  Json root;
  JsonReader reader(text);
  if (!reader.parse(root)) {
    if (!mentions_platform) return NotAReport{};
    return ReportDiagnostic{line_number, fmt::format("malformed JSON: {}", reader.error())};
  }
  const std::string type = json_string(root.get("type"));
  ReportRecord rec;
  rec.format = ReportFormat::Json;
  rec.line = line_number;
  if (type == "platform.report")
    rec.kind = ReportKind::Invoke;
  else if (type == "platform.initReport")
    rec.kind = ReportKind::Init;
  else if (type == "platform.restoreReport")
    rec.kind = ReportKind::Restore;
  else
    return NotAReport{};

  auto fail = [&](const std::string& what) {
    return ReportDiagnostic{line_number, fmt::format("{}: {}", type, what)};
  };
  rec.timestamp = json_string(root.get("time"));
  if (!rec.timestamp.empty()) {
    rec.date = timestamp_date(rec.timestamp);
    rec.timestamp_epoch_us = timestamp_epoch_us(rec.timestamp);
  }
  read_prefix(prefix, rec, rec.date.has_value());
  const Json* record = root.get("record");
  if (record == nullptr || record->type != Json::Type::Object) return fail("no \"record\" object");
  const Json* metrics = record->get("metrics");
  if (metrics == nullptr || metrics->type != Json::Type::Object)
    return fail("no \"record.metrics\" object");
  rec.request_id = json_string(record->get("requestId"));
  if (const Json* s = record->get("status"); s != nullptr && s->type == Json::Type::String)
    rec.status = s->text;
  rec.error_type = json_string(record->get("errorType"));
  rec.phase = json_string(record->get("phase"));
  if (const Json* tracing = record->get("tracing"))
    rec.xray_trace_id = json_string(tracing->get("value"));

  if (std::string e = json_ms(metrics->get("durationMs"), "durationMs", rec.duration); !e.empty())
    return fail(e);
  if (rec.kind != ReportKind::Invoke) return rec;

  if (rec.request_id.empty()) return fail("no \"record.requestId\"");
  std::int64_t whole = 0;
  if (std::string e = json_whole(metrics->get("billedDurationMs"), "billedDurationMs",
                                 kMaxIntegerDigits, whole);
      !e.empty())
    return fail(e);
  rec.billed_ms = whole;
  if (std::string e = json_whole(metrics->get("memorySizeMB"), "memorySizeMB", 7, whole);
      !e.empty())
    return fail(e);
  rec.memory_mb = static_cast<int>(whole);
  if (std::string e = json_whole(metrics->get("maxMemoryUsedMB"), "maxMemoryUsedMB", 7, whole);
      !e.empty())
    return fail(e);
  rec.max_memory_mb = static_cast<int>(whole);
  if (const Json* v = metrics->get("initDurationMs")) {
    PrintedMs ms;
    if (std::string e = json_ms(v, "initDurationMs", ms); !e.empty()) return fail(e);
    rec.init = ms;
  }
  if (const Json* v = metrics->get("restoreDurationMs")) {
    PrintedMs ms;
    if (std::string e = json_ms(v, "restoreDurationMs", ms); !e.empty()) return fail(e);
    rec.restore = ms;
  }
  if (const Json* v = metrics->get("billedRestoreDurationMs")) {
    if (std::string e = json_whole(v, "billedRestoreDurationMs", kMaxIntegerDigits, whole);
        !e.empty())
      return fail(e);
    rec.billed_restore_ms = whole;
  }
  return rec;
}

/// Position of `word` in `line` at the start or after white space; npos if absent.
std::size_t find_word(std::string_view line, std::string_view word) {
  std::size_t from = 0;
  while (true) {
    const std::size_t at = line.find(word, from);
    if (at == std::string_view::npos) return at;
    if (at == 0 || is_space(line[at - 1])) return at;
    from = at + 1;
  }
}

/// What tools put before a platform message: at most four tokens (timestamps, a log stream name,
/// a bracketed time), each with a digit, and no quotes or braces. Anything else means the keyword
/// is part of other text (a function's log quoting a REPORT line, a comment).
bool plausible_prefix(std::string_view prefix) {
  if (prefix.find_first_of("\"'{}") != std::string_view::npos) return false;
  std::size_t tokens = 0;
  std::size_t pos = 0;
  while (pos < prefix.size()) {
    while (pos < prefix.size() && is_space(prefix[pos])) ++pos;
    if (pos >= prefix.size()) break;
    bool digit = false;
    const std::size_t start = pos;
    for (; pos < prefix.size() && !is_space(prefix[pos]); ++pos) {
      if (is_digit(prefix[pos])) digit = true;
    }
    if (!log_group_function(prefix.substr(start, pos - start)).empty()) digit = true;
    if (!digit || ++tokens > 4) return false;
  }
  return true;
}

}  // namespace

std::optional<PrintedMs> parse_printed_ms(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const auto w = parse_whole(whole, kMaxIntegerDigits);
  if (!w) return std::nullopt;
  PrintedMs out{*w * 1000, 1000};
  if (dot == std::string_view::npos) return out;
  const std::string_view frac = text.substr(dot + 1);
  if (frac.empty()) return std::nullopt;
  std::int64_t us = 0;
  std::int64_t unit = 1000;
  bool beyond_us = false;  // non-zero digits past the microsecond
  for (std::size_t i = 0; i < frac.size(); ++i) {
    if (!is_digit(frac[i])) return std::nullopt;
    if (i < 3) {
      unit /= 10;
      us += (frac[i] - '0') * unit;
    } else if (frac[i] != '0') {
      beyond_us = true;
    }
  }
  // Rounding a sub-microsecond remainder up keeps every ceiling to a whole ms exact.
  out.us += us + (beyond_us ? 1 : 0);
  out.resolution_us = unit;
  return out;
}

ParsedLine parse_report_line(std::string_view line, std::size_t line_number) {
  while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
  static constexpr std::array<std::pair<std::string_view, ReportKind>, 3> kKeywords{{
      {"REPORT RequestId:", ReportKind::Invoke},
      {"INIT_REPORT ", ReportKind::Init},
      {"RESTORE_REPORT ", ReportKind::Restore},
  }};
  std::size_t start = std::string_view::npos;
  ReportKind kind = ReportKind::Invoke;
  std::size_t keyword_size = 0;
  for (const auto& [word, k] : kKeywords) {
    const std::size_t at = find_word(line, word);
    if (at < start) {
      start = at;
      kind = k;
      keyword_size = word == "REPORT RequestId:" ? std::string_view("REPORT").size() : word.size();
    }
  }
  const std::size_t brace = line.find('{');
  const bool json = brace != std::string_view::npos && brace < start;
  if (json) start = brace;
  if (start == std::string_view::npos) return NotAReport{};
  const std::string_view prefix = line.substr(0, start);
  if (!plausible_prefix(prefix)) return NotAReport{};
  if (json) return parse_json(prefix, line.substr(start), line_number);
  return parse_text(prefix, line.substr(start + keyword_size), kind, line_number);
}

}  // namespace lsim
