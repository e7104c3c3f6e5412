// The loader: every malformed file in tests/data/scenarios/bad/ must fail
// with the exact "file:line:col: why" written in its first line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "scenarios/engine/loader.hpp"

using namespace protobed;
namespace fs = std::filesystem;

namespace {

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string load_error_of(const std::string& path) {
  try {
    load_scenario(path);
  } catch (const load_error& e) {
    return e.what();
  }
  return "(loaded without error)";
}

const char* good = R"(scenario: ok
description: loads
seed: 3
participants:
  bank:
    role: ecommerce.bank
    otp_provider: sms
    accounts: [{holder: alice, card: "1", expiry: "1", phone: "+1", balance: 10}, {holder: shop}]
  shop: {role: ecommerce.merchant, bank: bank, catalogue: {book: 5}}
  sms: {role: otp_provider}
  alice: {role: ecommerce.client, merchant: shop, bank: bank, card: "1", expiry: "1", phone: "+1"}
network: {latency: 2ms, links: [{from: alice, to: shop, latency: 30ms}]}
faults:
  - drop: {from: bank, to: shop, kind: ecommerce.bank_reply, count: 1}
  - delay: {to: alice, by: 1s, probability: 0.5}
steps:
  - {at: 3s, alice: {buy: {item: book, otp: "123456"}}}
  - {at: 1s, alice: {buy: book}}
expect:
  - outcome: {alice: committed}
  - balance: {bank: {alice: 5}}
  - event: {who: bank, name: PaymentCommitted, count: 2, details: {payee: shop}}
  - no_event: {name: OutcomeConflict}
  - invariant: money_conserved
)";

} // namespace

TEST_CASE("each malformed scenario fails with its file:line:col and message", "[loader]") {
  std::vector<fs::path> files;
  for (const auto& e :
       fs::directory_iterator(std::string(PROTOBED_TEST_DATA_DIR) + "/scenarios/bad"))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  for (const auto& f : files) {
    auto header = first_line(f);
    REQUIRE(header.rfind("# error: ", 0) == 0);
    auto expected = f.string() + ":" + header.substr(9);
    INFO(f.filename().string());
    CHECK(load_error_of(f.string()) == expected);
  }
}

TEST_CASE("a missing file is a one-line error naming it", "[loader]") {
  CHECK(load_error_of("/nonexistent/x.yaml") == "/nonexistent/x.yaml: cannot read the file");
}

TEST_CASE("a well-formed scenario loads into plain structs", "[loader]") {
  auto s = load_scenario_text(good, "good.yaml");
  CHECK(s.name == "ok");
  CHECK(s.seed == 3);
  CHECK_FALSE(s.real_mode);
  REQUIRE(s.participants.size() == 4);
  CHECK(s.find("alice")->phone == "+1");
  CHECK(s.network.latency == std::chrono::milliseconds(2));
  REQUIRE(s.network.links.size() == 1);
  REQUIRE(s.network.faults.size() == 2);
  CHECK(s.network.faults[0].count == 1u);
  CHECK(s.network.faults[1].probability == 0.5);
  REQUIRE(s.steps.size() == 2);
  CHECK(s.steps[0].at == std::chrono::seconds(1)); // sorted by time
  CHECK(s.steps[1].cmd.arg("otp") == "123456");
  REQUIRE(s.expect.size() == 5);
  REQUIRE(s.expect[2].count);
  CHECK(s.expect[2].count->min == 2);
  CHECK(s.expect[2].count->max == 2);
  CHECK(s.expect[2].details.at("payee") == "shop");
  CHECK(s.expect[3].who == "*");
}

TEST_CASE("the scenario library loads", "[loader]") {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(PROTOBED_SCENARIO_DIR)) {
    if (e.path().extension() != ".yaml")
      continue;
    INFO(e.path().string());
    CHECK_NOTHROW(load_scenario(e.path().string()));
    ++n;
  }
  CHECK(n >= 10);
}
