// Reads a log file line by line in bounded memory: plain text or gzip (as CloudWatch Logs exports
// to S3 are written), from a path or from standard input ("-"); and the loop over the REPORT
// records of several inputs that `lambdasim bill` and `lambdasim calibrate` share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/logs/report.hpp"

namespace lsim {

/// Streams the lines of one input. gzip input is recognised by its magic bytes (1f 8b), not by
/// the file name, and decompressed on the fly (concatenated gzip members too); anything else is
/// read as is. Memory use is bounded by kMaxLine whatever the input's size.
class LineReader {
 public:
  /// Longest line kept; the rest of a longer line is read and dropped (see truncated()).
  static constexpr std::size_t kMaxLine = std::size_t{1} << 20;

  /// Opens `path`, or standard input for "-". Throws ScenarioError (`path: error: cannot open
  /// …`, with the system's reason) when the input cannot be opened or is a directory.
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next line without its '\n' (a '\r' before it is kept; the parser ignores it). False at
  /// the end of the input. Throws ScenarioError `path:LINE: error: …` on a read error or corrupt
  /// or truncated gzip data, naming the line reached.
  bool next(std::string& line);
  /// Number of the line last returned by next(), 1-based.
  [[nodiscard]] std::size_t line_number() const { return line_number_; }
  /// Whether the line last returned was longer than kMaxLine (and was cut to it).
  [[nodiscard]] bool truncated() const { return truncated_; }
  /// Whether the input is gzip-compressed (known after the first next()).
  [[nodiscard]] bool gzip() const;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const std::string& message) const;
  /// Reads the next block into buffer_; false at the end of the input.
  bool fill();

  void* file_ = nullptr;  // gzFile; void* keeps <zlib.h> out of this header
  std::string path_;
  std::size_t line_number_ = 0;
  bool truncated_ = false;
  bool eof_ = false;
  std::vector<char> buffer_ = std::vector<char>(std::size_t{1} << 16);
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
};

class ScenarioError;

/// Errors found in log inputs, printed to `err` as `file:line: error: message` (`file: error:`
/// without a line), the first 50 of them; finish() then says how many more there were.
class LogProblems {
 public:
  explicit LogProblems(std::ostream& err) : err_(err) {}
  void add(const std::string& file, std::size_t line, const std::string& message);
  /// Every diagnostic of an input that could not be read (see LineReader).
  void add(const ScenarioError& e);
  void finish() const;
  [[nodiscard]] std::uint64_t count() const { return count_; }

 private:
  static constexpr std::uint64_t kMaxShown = 50;
  std::ostream& err_;
  std::uint64_t count_ = 0;
};

/// What scan_report_lines() saw besides the REPORT records it handed on.
struct LogLineCounts {
  std::uint64_t lines = 0;
  std::uint64_t init_reports = 0;     ///< INIT_REPORT lines
  std::uint64_t restore_reports = 0;  ///< RESTORE_REPORT lines
  std::uint64_t other = 0;            ///< not a platform line
  std::uint64_t malformed = 0;        ///< a platform line too long or not understood
};

/// Reads every input (a path or "-"; plain or gzip) line by line and calls
/// `on_report(input_name, record)` for each REPORT record (an invocation), in order. A platform
/// line longer than LineReader::kMaxLine or not understood is a problem (and malformed); an
/// input that cannot be read is a problem, and the next input is read. `input_name` is the
/// path, or "<stdin>" for "-".
void scan_report_lines(const std::vector<std::string>& inputs, LogProblems& problems,
                       LogLineCounts& counts,
                       const std::function<void(const std::string& input_name,
                                                const ReportRecord& record)>& on_report);

}  // namespace lsim
