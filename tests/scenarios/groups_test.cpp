// Participant groups: one entry for many participants, generated list items,
// and `every: GROUP` in steps, expectations and placement.
#include <catch2/catch.hpp>

#include <sstream>

#include "scenarios/engine/director.hpp"
#include "scenarios/engine/groups.hpp"
#include "scenarios/engine/loader.hpp"

using namespace protobed;

namespace {

std::string trace_of(const run_result& r) {
  std::ostringstream out;
  r.trace->write_jsonl(out);
  return out.str();
}

std::string error_of(const std::string& text) {
  try {
    load_scenario_text(text, "g.yaml");
  } catch (const load_error& e) {
    return e.what();
  }
  return "(loaded without error)";
}

/// The tree as text without positions: what the loader reads.
std::string shape(const config_node& n) {
  switch (n.kind) {
    case config_node::type::scalar:
      return "'" + n.scalar + "'";
    case config_node::type::list: {
      std::string out = "[";
      for (const auto& i : n.items)
        out += shape(i) + ",";
      return out + "]";
    }
    case config_node::type::map: {
      std::string out = "{";
      for (const auto& e : n.entries)
        out += e.key + ":" + shape(e.value) + ",";
      return out + "}";
    }
    default:
      return "~";
  }
}

std::string section_shape(const std::string& path, const std::string& key) {
  auto root = read_scenario_tree(read_scenario_file(path), path);
  for (const auto& e : root.entries)
    if (e.key == key)
      return shape(e.value);
  return "";
}

const std::string dir = PROTOBED_SCENARIO_DIR;
const std::string data = PROTOBED_TEST_DATA_DIR "/groups/";

const char* base = R"(scenario: g
description: groups
seed: 4
participants:
  bank:
    role: ecommerce.bank
    otp_provider: sms
    accounts:
      - {group: 3, holder: "c{i}", card: "4111{i:012}", expiry: "12/29", phone: "+4070{i:04}", balance: 100}
      - {holder: shop, balance: 0}
  shop: {role: ecommerce.merchant, bank: bank, catalogue: {book: 25}}
  sms: {role: otp_provider}
  clients:
    group: 3
    name: "c{i}"
    role: ecommerce.client
    merchant: shop
    bank: bank
    card: "4111{i:012}"
    expiry: "12/29"
    phone: "+4070{i:04}"
)";

std::string with(const std::string& rest) {
  return std::string(base) + rest;
}

} // namespace

TEST_CASE("group templates fill {i} and {i:0W}", "[groups]") {
  CHECK(fill_template("c{i:04}", 7, {}) == "c0007");
  CHECK(fill_template("4111{i:012}", 42, {}) == "4111000000000042");
  CHECK(fill_template("n{i}", 12345, {}) == "n12345");
  CHECK(fill_template("x{i:02}", 123, {}) == "x123"); // wider than the width: not cut
  CHECK(fill_template("{{literal}} {i}", 1, {}) == "{literal} 1");
  CHECK(fill_template("plain", 1, {}) == "plain");
  CHECK_THROWS_WITH(fill_template("c{j}", 1, {3, 4}), Catch::Contains("unknown placeholder '{j}'"));
  CHECK_THROWS_WITH(fill_template("c{i:4}", 1, {}), Catch::Contains("unknown placeholder"));
  CHECK_THROWS_WITH(fill_template("c{i", 1, {}), Catch::Contains("opens no placeholder"));
}

TEST_CASE("a group makes numbered participants and every: addresses each", "[groups]") {
  auto s = load_scenario_text(with(R"(steps:
  - {at: 1s, every: clients, do: {buy: book}}
expect:
  - {every: clients, outcome: committed}
  - {every: clients, balance: {bank: 75}}
  - {every: clients, event: {name: OutcomeReceived, count: 1}}
  - balance: {bank: {shop: 75}}
placement: {clients: n2, bank: n1}
)"),
                              "g.yaml");
  REQUIRE(s.groups.at("clients") == std::vector<std::string>{"c1", "c2", "c3"});
  REQUIRE(s.participants.size() == 6);
  CHECK(s.participants[3].name == "c1");
  CHECK(s.participants[5].name == "c3");
  CHECK(s.participants[5].phone == "+40700003");
  REQUIRE(s.steps.size() == 3);
  CHECK(s.steps[2].who == "c3");
  // 3 outcomes, 3 balances, 3 events, 1 balance
  REQUIRE(s.expect.size() == 10);
  CHECK(s.expect[2].who == "c3");
  CHECK(s.expect[4].subject == "c2");
  CHECK(s.expect[8].who == "c3");
  CHECK(s.expect[8].count->min == 1);
  CHECK(s.expect[8].count->max == 1);
  CHECK(s.placement.at("c2") == "n2");
  // Every member's account came from the generated list: all three buy.
  auto r = run_scenario(s);
  CHECK(r.final.at("bank").numbers.at("balance.c3") == 75);
  CHECK(r.final.at("bank").numbers.at("balance.shop") == 75);
}

TEST_CASE("grouped library scenarios behave as the explicit files did", "[groups]") {
  // Same participants in the same order with the same options, same steps:
  // the same trace byte for byte for the same seed.
  for (const auto& [now, before] : std::vector<std::pair<std::string, std::string>>{
         {dir + "/ecommerce/lossy-network.yaml", data + "ecommerce-lossy-network-explicit.yaml"},
         {dir + "/ecommerce/many-clients.yaml", data + "ecommerce-many-clients-explicit.yaml"},
         {dir + "/messaging/many-devices.yaml", data + "messaging-many-devices-explicit.yaml"}}) {
    INFO(now);
    CHECK(section_shape(now, "participants") == section_shape(before, "participants"));
    auto a = run_scenario(load_scenario(now));
    auto b = run_scenario(load_scenario(before));
    CHECK(trace_of(a).size() > 10000);
    CHECK(trace_of(a) == trace_of(b));
  }
  // A real-clock scenario has no reproducible trace: its participants and steps match.
  auto now = dir + "/ecommerce/overload.yaml";
  auto before = data + "ecommerce-overload-explicit.yaml";
  CHECK(section_shape(now, "participants") == section_shape(before, "participants"));
  CHECK(section_shape(now, "steps") == section_shape(before, "steps"));
}

TEST_CASE("groups cannot blow a small file up without bound", "[groups]") {
  // 25 list items of 100,000 accounts each: refused at the item that crosses
  // the limit, before anything is built.
  std::string text = "scenario: bomb\ndescription: many\nparticipants:\n  bank:\n"
                     "    role: ecommerce.bank\n    otp_provider: sms\n    accounts:\n";
  for (int k = 0; k < 25; ++k)
    text += "      - {group: 100000, holder: \"h" + std::to_string(k) + "{i}\", balance: 1}\n";
  text += "  sms: {role: otp_provider}\nexpect: [{invariant: money_conserved}]\n";
  CHECK(error_of(text) == "g.yaml:13:17: groups and every: would make more than 2000000 values "
                          "in all; make fewer or smaller groups");
}

TEST_CASE("a --set override reaches a group's member", "[groups]") {
  auto s = load_scenario_text(with("expect: [{invariant: money_conserved}]\n"), "g.yaml",
                              {{"c2", "timeout", "7s"}});
  CHECK(s.overrides.front() == "c2.timeout=7s");
}

TEST_CASE("mistakes in a group point at the template and name the member", "[groups]") {
  auto expect = std::string("expect: [{invariant: money_conserved}]\n");
  // A role option that fails for one member only: the template's line, the member's name.
  auto bad_card = std::string(base);
  bad_card.replace(bad_card.find("card: \"4111{i:012}\"\n"), 20, "card: \"4111{i:012}{x}\"\n");
  CHECK(error_of(bad_card + expect) ==
        "g.yaml:19:11: member 'c1' of group 'clients': unknown placeholder '{x}' in "
        "'4111{i:012}{x}': write {i}, or {i:04} for the number zero-padded to 4 digits");
  CHECK(error_of(with("  more: {group: 2, name: \"c{i}\", role: otp_provider}\n" + expect)) ==
        "g.yaml:22:26: group 'more' makes member 'c1', a name another participant already has");
  CHECK(error_of(with("  more: {group: 2, name: \"m\", role: otp_provider}\n" + expect)) ==
        "g.yaml:22:26: group 'more': name must contain {i} (or {i:04}), so each member has its "
        "own name, not 'm'");
  CHECK(error_of(with("  more: {group: 0, name: \"m{i}\", role: otp_provider}\n" + expect)) ==
        "g.yaml:22:17: group must be a whole number 1..100000");
  CHECK(
    error_of(with("  more: {group: 2, name: \"m{i}\", role: otp_provider, colour: red}\n" + expect))
      .find("g.yaml:22:54: unknown option 'colour' for participant 'm1' (otp_provider)") == 0);
  CHECK(error_of(with("steps: [{at: 1s, every: client, do: {buy: book}}]\n" + expect)) ==
        "g.yaml:22:25: every: names no group 'client' (did you mean 'clients'?)");
  CHECK(error_of(with("steps: [{at: 1s, every: clients}]\n" + expect)) ==
        "g.yaml:22:18: a step with every: needs do: {COMMAND: ARGS}, what each member does");
  CHECK(error_of(with("steps: [{at: 1s, do: {buy: book}}]\n" + expect)) ==
        "g.yaml:22:18: do: goes with every: GROUP (each member does it)");
  CHECK(error_of(with("expect: [{every: clients, invariant: money_conserved}]\n")) ==
        "g.yaml:22:27: every: applies to outcome, balance, event and no_event, not 'invariant' "
        "(an invariant is about the whole run)");
  CHECK(error_of(with("expect: [{every: clients, event: {who: bank, name: X}}]\n")) ==
        "g.yaml:22:40: with every:, who is each member; leave it out");
  CHECK(error_of(with("expect: [{event: {who: clients, name: X}}]\n")) ==
        "g.yaml:22:24: who names group 'clients': write every: clients for each member, or one "
        "member by name (c1)");
}
