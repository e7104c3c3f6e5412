// A scenario that passes when every packet is dropped tests nothing: each
// protocol's lossy, overload and many-participant scenarios hold a progress
// floor, and fail when a drop rule of probability 1 is added to their faults.
#include <catch2/catch.hpp>

#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/loader.hpp"

using namespace protobed;

namespace {

/// The scenario's text with `- drop: {probability: 1.0}` first in its faults.
std::string with_every_packet_dropped(std::string text) {
  const std::string rule = "  - drop: {probability: 1.0}\n";
  auto at = text.find("\nfaults:\n");
  if (at != std::string::npos)
    return text.insert(at + 9, rule);
  at = text.find("\nsteps:\n");
  REQUIRE(at != std::string::npos);
  return text.insert(at + 1, "faults:\n" + rule);
}

std::size_t failed(const std::string& text, const std::string& name) {
  auto s = load_scenario_text(text, name);
  std::size_t n = 0;
  for (const auto& c : check_expectations(s, run_scenario(s)))
    n += c.passed ? 0 : 1;
  return n;
}

} // namespace

TEST_CASE("lossy, overload and many-participant scenarios fail when every packet is dropped",
          "[progress]") {
  const std::string dir = PROTOBED_SCENARIO_DIR;
  for (const char* rel :
       {"ecommerce/lossy-network.yaml", "ecommerce/many-clients.yaml", "ecommerce/overload.yaml",
        "messaging/lossy-network.yaml", "messaging/many-devices.yaml",
        "micropay/lossy-network.yaml", "micropay/many-payers-one-payee.yaml",
        "purchase/lossy-network.yaml", "purchase/many-customers.yaml"}) {
    INFO(rel);
    auto text = read_scenario_file(dir + "/" + rel);
    CHECK(failed(text, rel) == 0); // as written: progress made
    CHECK(failed(with_every_packet_dropped(text), rel) > 0);
  }
}
