// The sequence diagram and the JUnit report, checked by parsing them as XML.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

#include <tinyxml2.h>

#include "scenarios/engine/diagram.hpp"
#include "scenarios/engine/junit.hpp"
#include "scenarios/engine/loader.hpp"

using namespace protobed;
using namespace std::chrono_literals;

namespace {

scenario_report run_file(const scenario& s) {
  scenario_report r{&s, run_scenario(s), {}};
  r.checks = check_expectations(s, r.run);
  return r;
}

/// Every element under `e` (depth first) whose class attribute starts with `prefix`.
std::size_t count_class(const tinyxml2::XMLElement* e, const std::string& cls) {
  std::size_t n = 0;
  for (auto c = e->FirstChildElement(); c; c = c->NextSiblingElement()) {
    const char* a = c->Attribute("class");
    if (a && std::string(a) == cls)
      ++n;
    n += count_class(c, cls);
  }
  return n;
}

std::size_t packets_where(const scenario_report& r,
                          const std::function<bool(const trace_record&)>& f) {
  std::size_t n = 0;
  for (const auto& rec : r.run.trace->records())
    n += rec["type"] == "packet" && f(rec) ? 1 : 0;
  return n;
}

bool lost(const std::string& fate) {
  return fate == "dropped" || fate == "partitioned" || fate == "offline" || fate == "crashed" ||
         fate == "undeliverable";
}

} // namespace

TEST_CASE("the SVG is well-formed with one arrow per delivered packet", "[diagram]") {
  auto s = load_scenario(std::string(PROTOBED_SCENARIO_DIR) +
                         "/attacks/ecommerce/tamper-resolve-reply.yaml");
  auto r = run_file(s);
  auto svg = render_svg(r);
  tinyxml2::XMLDocument doc;
  REQUIRE(doc.Parse(svg.c_str()) == tinyxml2::XML_SUCCESS);
  auto root = doc.RootElement();
  CHECK(std::string(root->Name()) == "svg");
  auto delivered = packets_where(
    r, [](const trace_record& rec) { return rec["fate"] != "intercepted" && !lost(rec["fate"]); });
  auto intercepted =
    packets_where(r, [](const trace_record& rec) { return rec["fate"] == "intercepted"; });
  CHECK(delivered > 5);
  // otp_reply, both resolve_replies, and every bank_reply (the first answer and
  // those to the merchant's resolution requests)
  auto asked = packets_where(
    r, [](const trace_record& rec) { return rec["kind"] == "ecommerce.merchant_resolve"; });
  CHECK(asked >= 1);
  CHECK(intercepted == 4 + asked);
  CHECK(count_class(root, "packet delivered") == delivered);
  CHECK(count_class(root, "packet intercepted") == intercepted);
  CHECK(count_class(root, "participant") == s.participants.size());
  CHECK(count_class(root, "lifeline") == s.participants.size());
  CHECK(svg.find("<script") == std::string::npos); // self-contained, no JavaScript
  CHECK(svg.find("http://") == svg.find("http://www.w3.org/2000/svg")); // no other links
}

TEST_CASE("lost packets end in a cross and failed expectations are listed", "[diagram]") {
  auto s = load_scenario_text(R"(scenario: d
description: a dropped payment and a wrong expectation
participants:
  bank:
    role: ecommerce.bank
    otp_provider: sms
    accounts: [{holder: alice, card: "1", expiry: "1", phone: "+1", balance: 100}, {holder: shop}]
  shop: {role: ecommerce.merchant, bank: bank, catalogue: {book: 25}}
  sms: {role: otp_provider}
  alice: {role: ecommerce.client, merchant: shop, bank: bank, card: "1", expiry: "1", phone: "+1", session_key_bits: 1024}
faults:
  - drop: {from: alice, to: shop, kind: ecommerce.pm_po}
steps:
  - {at: 1s, alice: {buy: book}}
expect:
  - outcome: {alice: committed}
)",
                              "d.yaml");
  auto r = run_file(s);
  auto svg = render_svg(r);
  tinyxml2::XMLDocument doc;
  REQUIRE(doc.Parse(svg.c_str()) == tinyxml2::XML_SUCCESS);
  CHECK(count_class(doc.RootElement(), "packet lost") == 1);
  CHECK(count_class(doc.RootElement(), "failure") == 1);
  CHECK(svg.find("outcome of alice is committed (observed: aborted: resolved-without-payment)") !=
        std::string::npos);
  auto html = render_html(r);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<svg") != std::string::npos);
}

TEST_CASE("a window draws only its span of virtual time, long runs fold", "[diagram]") {
  auto s = load_scenario(std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/many-clients.yaml");
  auto r = run_file(s);
  auto window = parse_window("2s..2005ms");
  REQUIRE(window);
  tinyxml2::XMLDocument doc;
  REQUIRE(doc.Parse(render_svg(r, *window).c_str()) == tinyxml2::XML_SUCCESS);
  auto in_window = packets_where(r, [](const trace_record& rec) {
    auto t = rec["t"].get<std::int64_t>();
    return t >= 2'000'000'000 && t <= 2'005'000'000;
  });
  CHECK(count_class(doc.RootElement(), "packet delivered") == in_window);
  diagram_options fold;
  fold.max_rows = 40;
  tinyxml2::XMLDocument folded;
  REQUIRE(folded.Parse(render_svg(r, fold).c_str()) == tinyxml2::XML_SUCCESS);
  CHECK(count_class(folded.RootElement(), "fold") == 1);
  CHECK_FALSE(parse_window("3s..1s"));
  CHECK_FALSE(parse_window("1s-3s"));
  CHECK(parse_window("..3s"));
}

TEST_CASE("the JUnit report has one testcase per scenario and one failure per failed "
          "expectation",
          "[junit]") {
  auto good = load_scenario(std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/happy-path.yaml");
  auto bad = load_scenario(std::string(PROTOBED_TEST_DATA_DIR) + "/scenarios/cli/failing.yaml");
  std::vector<scenario_report> reports{run_file(good), run_file(bad)};
  auto xml = render_junit(reports);
  tinyxml2::XMLDocument doc;
  REQUIRE(doc.Parse(xml.c_str()) == tinyxml2::XML_SUCCESS);
  auto suites = doc.RootElement();
  CHECK(std::string(suites->Name()) == "testsuites");
  CHECK(suites->IntAttribute("tests") == 2);
  CHECK(suites->IntAttribute("failures") == 1);
  auto suite = suites->FirstChildElement("testsuite");
  REQUIRE(suite);
  std::size_t cases = 0, failures = 0;
  for (auto c = suite->FirstChildElement("testcase"); c; c = c->NextSiblingElement("testcase")) {
    ++cases;
    CHECK(c->Attribute("name"));
    CHECK(c->Attribute("classname"));
    for (auto f = c->FirstChildElement("failure"); f; f = f->NextSiblingElement("failure")) {
      ++failures;
      std::string text = f->GetText();
      CHECK(std::string(f->Attribute("message")).find("observed: 75") != std::string::npos);
      CHECK(text.find("seed 3") != std::string::npos);
      CHECK(text.find("replay: protobed run") != std::string::npos);
    }
  }
  CHECK(cases == 2);
  CHECK(failures == 1);
}

TEST_CASE("every scenario in the library draws a well-formed diagram", "[diagram]") {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(PROTOBED_SCENARIO_DIR)) {
    if (e.path().extension() != ".yaml")
      continue;
    auto s = load_scenario(e.path().string());
    auto r = run_file(s);
    tinyxml2::XMLDocument doc;
    INFO(e.path().string());
    CHECK(doc.Parse(render_svg(r).c_str()) == tinyxml2::XML_SUCCESS);
    ++n;
  }
  CHECK(n >= 60);
}
