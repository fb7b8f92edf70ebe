// Reads a log file line by line in bounded memory: plain text or gzip (as CloudWatch Logs exports
// to S3 are written), from a path or from standard input ("-").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

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

}  // namespace lsim
