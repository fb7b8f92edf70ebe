// Tests for LineReader: plain and gzip input (by magic bytes, not name), concatenated gzip
// members, lines without a final newline, over-long lines, truncated gzip and unopenable paths.
#include "sim/logs/line_reader.hpp"

#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "sim/core/diagnostics.hpp"

namespace {

/// A temporary file removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name)
      : path(std::string(P_tmpdir) + "/lsim_line_reader_" + std::to_string(::getpid()) + "_" +
             name) {}
  ~TempFile() { std::remove(path.c_str()); }
};

void write_plain(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// Appends one gzip member holding `text` to `path`.
void append_gzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "ab");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  gzclose(f);
}

std::vector<std::string> read_all(const std::string& path) {
  lsim::LineReader r(path);
  std::vector<std::string> lines;
  std::string line;
  while (r.next(line)) {
    lines.push_back(line);
    CHECK(r.line_number() == lines.size());
  }
  return lines;
}

}  // namespace

TEST_CASE("Plain files are read line by line, with or without a final newline", "[logs]") {
  TempFile f("plain.log");
  write_plain(f.path, "one\n\nthree\r\nfour");
  CHECK(read_all(f.path) == std::vector<std::string>{"one", "", "three\r", "four"});
  write_plain(f.path, "");
  CHECK(read_all(f.path).empty());
  lsim::LineReader r(f.path);
  std::string line;
  CHECK_FALSE(r.next(line));
  CHECK_FALSE(r.gzip());
}

TEST_CASE("gzip is recognised by its magic bytes, members concatenated", "[logs]") {
  TempFile f("compressed.txt");  // no .gz suffix on purpose
  append_gzip(f.path, "REPORT a\nREPORT b\n");
  append_gzip(f.path, "REPORT c");
  lsim::LineReader r(f.path);
  std::string line;
  REQUIRE(r.next(line));
  CHECK(r.gzip());
  CHECK(line == "REPORT a");
  CHECK(read_all(f.path) == std::vector<std::string>{"REPORT a", "REPORT b", "REPORT c"});
}

TEST_CASE("Lines longer than kMaxLine are cut and flagged, memory stays bounded", "[logs]") {
  TempFile f("long.log");
  const std::string longer(lsim::LineReader::kMaxLine + 100'000, 'x');
  write_plain(f.path, "short\n" + longer + "\nafter\n");
  lsim::LineReader r(f.path);
  std::string line;
  REQUIRE(r.next(line));
  CHECK_FALSE(r.truncated());
  REQUIRE(r.next(line));
  CHECK(r.truncated());
  CHECK(line.size() == lsim::LineReader::kMaxLine);
  REQUIRE(r.next(line));
  CHECK_FALSE(r.truncated());
  CHECK(line == "after");
  CHECK(r.line_number() == 3);
}

TEST_CASE("Unreadable inputs and corrupt gzip are located errors, not crashes", "[logs]") {
  CHECK_THROWS_WITH(lsim::LineReader("/nonexistent/x.log"),
                    Catch::Contains("cannot open file: No such file or directory"));
  CHECK_THROWS_WITH(lsim::LineReader(P_tmpdir), Catch::Contains("it is a directory"));

  TempFile f("cut.gz");
  TempFile whole("whole.gz");
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "REPORT RequestId: " + std::to_string(i * 7919) + "\n";
  append_gzip(whole.path, text);
  std::ifstream in(whole.path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_plain(f.path, bytes.substr(0, bytes.size() / 2));
  lsim::LineReader r(f.path);
  std::string line;
  CHECK_THROWS_WITH(
      [&] {
        while (r.next(line)) {
        }
      }(),
      Catch::Contains("corrupt or truncated gzip data"));
}
