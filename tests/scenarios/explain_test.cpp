// What a run shows a person: the live view's lines, the trace records that
// decided a failed expectation, and the starter scenario of every protocol.
#include <catch2/catch.hpp>

#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/live_view.hpp"
#include "scenarios/engine/loader.hpp"
#include "scenarios/engine/starter.hpp"

using namespace protobed;

namespace {

const std::string dir = PROTOBED_SCENARIO_DIR;

std::string happy_with(const std::string& expect) {
  auto text = read_scenario_file(dir + "/ecommerce/happy-path.yaml");
  return text.substr(0, text.find("expect:")) + "expect:\n" + expect;
}

std::vector<check_result> checks_of(const std::string& text) {
  auto s = load_scenario_text(text, "x.yaml");
  return check_expectations(s, run_scenario(s));
}

std::string lines_of(const std::vector<trace_record>& records) {
  std::string out;
  for (const auto& r : records)
    out += live_line(r, live_level::packets, false) + "\n";
  return out;
}

} // namespace

TEST_CASE("live lines show time, participant and reason, -v leaves plain deliveries out",
          "[live]") {
  trace_record ev = {{"t", 2005000000},
                     {"type", "event"},
                     {"who", "bank"},
                     {"name", "PaymentCommitted"},
                     {"details", {{"tid", "c0e9d1aa22bb33cc44dd55ee"}, {"amount", "25"}}}};
  CHECK(live_line(ev, live_level::events, false) ==
        "   2.005000s  bank           PaymentCommitted tid=c0e9d1aa22bb… amount=25");
  trace_record delivered = {{"t", 1000000000}, {"type", "packet"},          {"from", "alice"},
                            {"to", "shop"},    {"kind", "ecommerce.setup"}, {"fate", "delivered"}};
  CHECK(live_line(delivered, live_level::events, false).empty());
  CHECK(live_line(delivered, live_level::packets, false) ==
        "   1.000000s  alice → shop           ecommerce.setup            delivered");
  auto tapped = delivered;
  tapped["fate"] = "intercepted";
  tapped["by"] = "mallory";
  CHECK(live_line(tapped, live_level::events, false).find("intercepted by mallory") !=
        std::string::npos);
  auto dropped = delivered;
  dropped["fate"] = "dropped";
  CHECK(live_line(dropped, live_level::events, true).find("\033[31mdropped\033[0m") !=
        std::string::npos);
  CHECK(live_line(ev, live_level::quiet, false).empty());
  // A faulted packet names the rules that applied, by the scenario's lines.
  network_config n;
  n.faults.push_back({fault_type::delay});
  n.faults.back().pos = {12, 5};
  n.faults.push_back({fault_type::duplicate});
  auto names = fault_names(n);
  CHECK(names == std::vector<std::string>{"delay rule, line 12", "duplicate rule"});
  auto faulted = delivered;
  faulted["fate"] = "delayed+duplicated";
  faulted["faults"] = {0, 1};
  CHECK(live_line(faulted, live_level::events, false, &names)
          .find("delayed+duplicated (delay rule, line 12; duplicate rule)") != std::string::npos);
}

TEST_CASE("a failed outcome shows the last records at its participant", "[explain]") {
  auto checks = checks_of(happy_with("  - outcome: {alice: aborted}\n"));
  REQUIRE(checks.size() == 1);
  REQUIRE_FALSE(checks[0].passed);
  auto shown = lines_of(checks[0].evidence);
  INFO(shown);
  CHECK(checks[0].evidence.size() <= 6);
  CHECK(shown.find("alice          OutcomeReceived") != std::string::npos);
  CHECK(shown.find("shop → alice") != std::string::npos); // the last packets to alice
}

TEST_CASE("a failed event count shows the events it counted", "[explain]") {
  auto checks = checks_of(happy_with("  - event: {who: bank, name: PaymentCommitted, count: 2}\n"
                                     "  - no_event: {who: bank, name: PaymentCommitted}\n"
                                     "  - event: {who: shop, name: PaymentCommitted}\n"
                                     "  - event: {who: bank, name: PaymentCommitted}\n"));
  REQUIRE(checks.size() == 4);
  for (int i : {0, 1}) {
    REQUIRE_FALSE(checks[i].passed);
    REQUIRE(checks[i].evidence.size() == 1);
    CHECK(lines_of(checks[i].evidence).find("bank           PaymentCommitted") !=
          std::string::npos);
  }
  // None at the shop: the evidence is the event where it did happen.
  REQUIRE_FALSE(checks[2].passed);
  CHECK(lines_of(checks[2].evidence).find("bank           PaymentCommitted") != std::string::npos);
  CHECK(checks[3].passed);
  CHECK(checks[3].evidence.empty()); // only failures carry evidence
}

TEST_CASE("a failed balance shows the bank's events about the account", "[explain]") {
  auto checks = checks_of(happy_with("  - balance: {bank: {alice: 100}}\n"));
  REQUIRE_FALSE(checks[0].passed);
  CHECK(lines_of(checks[0].evidence).find("PaymentCommitted") != std::string::npos);
}

TEST_CASE("a failed invariant shows the records it names", "[explain]") {
  // The bank's replay check off, an attacker replays the merchant's forward:
  // charged_at_most_once fails, and its evidence is the repeated commits.
  auto text = read_scenario_file(dir + "/attacks/ecommerce/replay-pm-forward.unprotected.yaml");
  auto at = text.find("broken: charged_at_most_once");
  REQUIRE(at != std::string::npos);
  text.replace(at, 6, "invariant");
  auto checks = checks_of(text);
  const check_result* failed = nullptr;
  for (const auto& c : checks)
    if (c.text == "charged_at_most_once")
      failed = &c;
  REQUIRE(failed);
  REQUIRE_FALSE(failed->passed);
  REQUIRE(failed->evidence.size() == 3);
  for (const auto& rec : failed->evidence)
    CHECK(rec["name"] == "PaymentCommitted");
  // The same run, expected broken: it passes and carries no evidence.
  auto as_written =
    checks_of(read_scenario_file(dir + "/attacks/ecommerce/replay-pm-forward.unprotected.yaml"));
  for (const auto& c : as_written)
    CHECK(c.evidence.empty());
}

TEST_CASE("every protocol's starter loads, documents itself and passes as written", "[starter]") {
  const auto& roles = builtin_roles();
  std::size_t with_starter = 0;
  for (const auto& p : roles.protocols()) {
    INFO(p.name);
    if (!p.transaction)
      continue; // the attacker's module: no transaction of its own to start
    REQUIRE(p.starter);
    ++with_starter;
    auto text = starter_text(p, roles);
    for (const auto& inv : p.invariants)
      CHECK(text.find("- invariant: " + inv.name) != std::string::npos);
    CHECK(text.find("# " + p.name + " — ") == 0);
    auto s = load_scenario_text(text, p.name + ".yaml");
    auto checks = check_expectations(s, run_scenario(s));
    CHECK(checks.size() == p.invariants.size() + 1);
    for (const auto& c : checks) {
      INFO(c.text << " observed " << c.observed);
      CHECK(c.passed);
    }
  }
  CHECK(with_starter == 5); // echo, e-commerce, messaging, micropay, purchase
}

TEST_CASE("bounded counts, any_of and follows pass and fail as written, with evidence",
          "[checks]") {
  // happy-path: alice buys one book; the bank commits it once.
  auto c = checks_of(happy_with(
    "  - event: {who: bank, name: PaymentCommitted, count: {at_least: 1}}\n"
    "  - event: {who: bank, name: PaymentCommitted, count: {at_least: 2}}\n"
    "  - event: {who: bank, name: PaymentCommitted, count: {at_most: 0}}\n"
    "  - event: {who: bank, name: PaymentCommitted, count: {at_least: 0, at_most: 1}}\n"
    "  - any_of: [{who: bank, name: PaymentAborted}, {who: shop, name: OrderShipped}]\n"
    "  - any_of: [{who: bank, name: PaymentAborted}, {who: alice, name: ResolutionUsed}]\n"
    "  - follows: {first: {who: alice, name: PaymentSent}, then: {who: bank, name: "
    "PaymentCommitted}, same: [tid, amount], within: 1s}\n"
    "  - follows: {first: {who: alice, name: PaymentSent}, then: {who: bank, name: "
    "PaymentCommitted}, within: 1ms}\n"
    "  - follows: {first: {who: alice, name: PaymentSent}, then: {who: bank, name: "
    "PaymentCommitted}, same: [purchase]}\n"));
  REQUIRE(c.size() == 9);
  std::vector<bool> passed;
  for (const auto& r : c)
    passed.push_back(r.passed);
  CHECK(passed == std::vector<bool>{true, false, false, true, true, false, true, false, false});
  CHECK(c[1].text == "PaymentCommitted at bank at least 2 time(s)");
  CHECK(c[3].text == "PaymentCommitted at bank 0..1 time(s)");
  CHECK(c[2].evidence.size() == 1); // the commit it should not have had
  CHECK(c[5].observed == "0, 0 time(s)");
  // follows names the first occurrence nothing followed, and shows it.
  CHECK(c[7].observed.find("not followed: PaymentSent at alice") == 0);
  REQUIRE(c[7].evidence.size() == 1);
  CHECK(c[7].evidence[0]["name"] == "PaymentSent");
  // `same` compares details both events have: the bank's commit has no purchase.
  CHECK(c[8].evidence.size() == 1);
}
