// The HTML report holds the same numbers as the JSON output, stays small and self-contained.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "sim/report/html.hpp"
#include "sim/stats/writers.hpp"
#include "tests/support/json.hpp"
#include "tests/support/run.hpp"

TEST_CASE("The HTML report of the quickstart is small, offline and equals the JSON output",
          "[report]") {
  const std::string text = lsim::test::read_scenario("quickstart.yaml");
  const lsim::ScenarioSpec spec = lsim::test::load_yaml(text, "quickstart.yaml");
  const lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                         lsim::builtin_price_table_origin());
  lsim::SeriesRecorder series(spec);
  lsim::RunOptions ro;
  ro.seed = spec.seed;
  ro.observer = &series;
  const lsim::Summary s = lsim::simulate(spec, lsim::test::builtin_registries(), prices, ro);
  series.finish();
  const std::string html = lsim::to_html(s, spec, text, series);
  const lsim::test::JsonValue json = lsim::test::parse_json(lsim::to_json(s));

  CHECK(html.size() < 1'000'000);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  auto has = [&](const std::string& needle) {
    INFO(needle);
    CHECK(html.find(needle) != std::string::npos);
  };
  const auto& fn = json.at("functions").at("api");
  // Counts, as printed in the headline and the table.
  has(fmt::format("<b>{}</b>invocations", static_cast<std::uint64_t>(json.at("invocations").at("arrived").number)));
  has(fmt::format("<td>{}</td>", static_cast<std::uint64_t>(fn.at("invocations").at("cold").number)));
  // Latency percentiles (ms, one decimal) and the bill (USD, two decimals).
  for (const char* kind : {"all", "cold", "warm"})
    for (const char* q : {"p50", "p99", "max"})
      has(fmt::format("<td>{:.1f}</td>", fn.at("latency_ms").at(kind).at(q).number));
  has(fmt::format("<td>{:.2f}</td>", fn.at("cost_usd").at("monthly").at("total").number));
  has(fmt::format("${:.2f}", json.at("cost_usd").at("monthly").at("total").number));
  // The digest ties the page to the run.
  has(json.at("digest").text);
}

TEST_CASE("The HTML report charts a queue's backlog and message age over time", "[report]") {
  const std::string text = lsim::test::read_scenario("sqs_backlog.yaml");
  const lsim::ScenarioSpec spec = lsim::test::load_yaml(text, "sqs_backlog.yaml");
  const lsim::PriceTable prices = lsim::load_price_table(spec, lsim::builtin_price_table_yaml(),
                                                         lsim::builtin_price_table_origin());
  lsim::SeriesRecorder series(spec);
  lsim::RunOptions ro;
  ro.seed = spec.seed;
  ro.observer = &series;
  const lsim::Summary s = lsim::simulate(spec, lsim::test::builtin_registries(), prices, ro);
  series.finish();
  const std::string html = lsim::to_html(s, spec, text, series);
  const auto& m = *s.sources.at(0).mapping;
  CHECK(html.find("<h2>Source orders (sqs)</h2>") != std::string::npos);
  CHECK(html.find("chart-backlog") != std::string::npos);
  CHECK(html.find("age of the oldest message") != std::string::npos);
  CHECK(html.find(fmt::format("{} records: {} processed, {} dead-lettered", m.arrived, m.processed,
                              m.dead_lettered)) != std::string::npos);
}
