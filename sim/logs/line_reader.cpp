// Line reading through zlib's gz* functions, which read gzip members and plain files alike
// ("transparent" mode), so one code path serves both, and standard input too.
#include "sim/logs/line_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <ostream>
#include <variant>

#include "sim/core/diagnostics.hpp"

namespace lsim {

namespace {
gzFile as_gz(void* f) { return static_cast<gzFile>(f); }

/// zlib's message without the "<fd:N>: " it prefixes (we name the file ourselves).
std::string zlib_message(const char* what) {
  std::string m = what != nullptr ? what : "";
  if (m.starts_with("<fd:")) {
    if (const auto colon = m.find(": "); colon != std::string::npos) m.erase(0, colon + 2);
  }
  return m;
}
}  // namespace

LineReader::LineReader(const std::string& path) : path_(path) {
  int fd = -1;
  if (path == "-") {
    fd = ::dup(STDIN_FILENO);
    if (fd < 0) fail(fmt::format("cannot read standard input: {}", std::strerror(errno)));
  } else {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(fmt::format("cannot open file: {}", std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      fail("cannot open file: it is a directory");
    }
  }
  gzFile f = ::gzdopen(fd, "rb");
  if (f == nullptr) {
    ::close(fd);
    fail("cannot open file: out of memory");
  }
  ::gzbuffer(f, 1 << 16);
  file_ = f;
}

LineReader::~LineReader() {
  if (file_ != nullptr) ::gzclose(as_gz(file_));
}

bool LineReader::gzip() const { return file_ != nullptr && ::gzdirect(as_gz(file_)) == 0; }

void LineReader::fail(const std::string& message) const {
  SourceLoc loc{path_ == "-" ? "<stdin>" : path_, 0, 0};
  std::string msg = message;
  if (line_number_ > 0) msg = fmt::format("at line {}: {}", line_number_ + 1, message);
  throw ScenarioError(std::move(loc), "", std::move(msg));
}

bool LineReader::fill() {
  const int n = ::gzread(as_gz(file_), buffer_.data(), static_cast<unsigned>(buffer_.size()));
  if (n < 0) {
    int err = Z_OK;
    const char* what = ::gzerror(as_gz(file_), &err);
    if (err == Z_ERRNO) fail(fmt::format("read error: {}", std::strerror(errno)));
    fail(fmt::format("corrupt or truncated gzip data ({})", zlib_message(what)));
  }
  if (n == 0) {
    // zlib reports a gzip stream cut short as Z_BUF_ERROR once the input is exhausted.
    int err = Z_OK;
    const char* what = ::gzerror(as_gz(file_), &err);
    if (err != Z_OK) fail(fmt::format("corrupt or truncated gzip data ({})", zlib_message(what)));
    return false;
  }
  begin_ = 0;
  end_ = static_cast<std::size_t>(n);
  return true;
}

bool LineReader::next(std::string& line) {
  line.clear();
  truncated_ = false;
  bool got_any = false;
  while (true) {
    if (begin_ == end_) {
      if (eof_) break;
      if (!fill()) {
        eof_ = true;
        break;
      }
    }
    got_any = true;
    const char* data = buffer_.data() + begin_;
    const std::size_t avail = end_ - begin_;
    const void* nl = std::memchr(data, '\n', avail);
    const std::size_t n =
        nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : avail;
    const std::size_t room = kMaxLine - line.size();  // line.size() <= kMaxLine always
    if (n > room) truncated_ = true;
    line.append(data, n > room ? room : n);
    begin_ += n;
    if (nl != nullptr) {
      ++begin_;  // the newline
      break;
    }
  }
  if (!got_any) return false;
  ++line_number_;
  return true;
}

void LogProblems::add(const std::string& file, std::size_t line, const std::string& message) {
  if (++count_ <= kMaxShown)
    err_ << (line > 0 ? fmt::format("{}:{}: error: {}\n", file, line, message)
                      : fmt::format("{}: error: {}\n", file, message));
}

void LogProblems::add(const ScenarioError& e) {
  for (const Diagnostic& d : e.diagnostics().all())
    if (++count_ <= kMaxShown) err_ << format_diagnostic(d) << '\n';
}

void LogProblems::finish() const {
  if (count_ > kMaxShown) err_ << fmt::format("... and {} more\n", count_ - kMaxShown);
}

void scan_report_lines(const std::vector<std::string>& inputs, LogProblems& problems,
                       LogLineCounts& counts,
                       const std::function<void(const std::string& input_name,
                                                const ReportRecord& record)>& on_report) {
  std::string line;
  for (const std::string& input : inputs) {
    const std::string name = input == "-" ? "<stdin>" : input;
    try {
      LineReader reader(input);
      while (reader.next(line)) {
        ++counts.lines;
        const ParsedLine parsed = parse_report_line(line, reader.line_number());
        if (reader.truncated() && !std::holds_alternative<NotAReport>(parsed)) {
          problems.add(name, reader.line_number(),
                       fmt::format("platform line longer than {} bytes", LineReader::kMaxLine));
          ++counts.malformed;
          continue;
        }
        if (const auto* d = std::get_if<ReportDiagnostic>(&parsed)) {
          problems.add(name, d->line, d->message);
          ++counts.malformed;
          continue;
        }
        const auto* r = std::get_if<ReportRecord>(&parsed);
        if (r == nullptr) {
          ++counts.other;
        } else if (r->kind == ReportKind::Init) {
          ++counts.init_reports;
        } else if (r->kind == ReportKind::Restore) {
          ++counts.restore_reports;
        } else {
          on_report(name, *r);
        }
      }
    } catch (const ScenarioError& e) {
      problems.add(e);
    }
  }
}

}  // namespace lsim
