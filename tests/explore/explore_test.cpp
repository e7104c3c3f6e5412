// protobed explore: schedules drawn from seeds, written back as YAML, shrunk,
// and — the proof it is worth running — finding, for each protocol, the hole
// a switched-off check opens, shrinking it, and writing a reproducer that
// `protobed run` fails the same way.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/director.hpp"
#include "scenarios/engine/key_cache.hpp"
#include "scenarios/engine/world.hpp"
#include "scenarios/engine/yaml_tree.hpp"
#include "scenarios/explore/explorer.hpp"
#include "scenarios/explore/yaml_writer.hpp"

using namespace protobed;
using namespace protobed::explore;

namespace {

std::string library(const std::string& rel) {
  return std::string(PROTOBED_SCENARIO_DIR) + "/" + rel;
}

std::vector<std::string> described(const schedule& s) {
  std::vector<std::string> out;
  for (const auto& i : s.items)
    out.push_back(i.describe());
  return out;
}

std::string trace_text(const run_result& r) {
  std::ostringstream out;
  r.trace->write_jsonl(out);
  return out.str();
}

std::string temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("protobed-explore-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

} // namespace

TEST_CASE("the YAML writer gives back the tree it was given", "[explore][yaml]") {
  auto text = std::string(R"(scenario: "odd: names"
description: "a # not a comment, \"quoted\", tab\there"
values: [null, "~", "", "*->bob", "alice->*", "12/29", "+40700000001", "4111000000000001",
         -1, 0.05, 300ms, "- dash", "yes", "a: b", "[x]", "&anchor", "!tag", "%p", "@at", "`x`"]
nested: {a: {b: [1, 2, {c: d}]}, empty_map: {}, empty_list: []}
long:
  - {first: "a value long enough", second: "that this map does not fit", third: "on one line at all"}
  - [x]
)");
  auto tree = parse_yaml(text);
  auto again = parse_yaml(to_yaml(tree));
  CHECK(to_flow(again) == to_flow(tree));
  CHECK(to_yaml(again) == to_yaml(tree));
  // Card numbers, phones and dates stay quoted, as people write them.
  CHECK(to_yaml(tree).find("\"4111000000000001\"") != std::string::npos);
  CHECK(to_yaml(tree).find("\"*->bob\"") != std::string::npos);
  CHECK(to_yaml(tree).find("\n  - first: \"a value long enough\"\n    second:") !=
        std::string::npos);
}

TEST_CASE("the YAML writer round-trips every library scenario", "[explore][yaml]") {
  for (const auto& rel : {"ecommerce/lossy-network.yaml", "messaging/lossy-network.yaml",
                          "micropay/lossy-network.yaml", "purchase/lossy-network.yaml"}) {
    std::ifstream in(library(rel));
    std::ostringstream text;
    text << in.rdbuf();
    auto tree = parse_yaml(text.str());
    INFO(rel);
    CHECK(to_flow(parse_yaml(to_yaml(tree))) == to_flow(tree));
  }
}

TEST_CASE("a schedule is a function of the seed, within the explore: bounds", "[explore]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  CHECK(described(draw_schedule(t.loaded, 7)) == described(draw_schedule(t.loaded, 7)));
  std::set<std::vector<std::string>> distinct;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    CHECK(s.faults() <= 3);
    CHECK(s.actions() <= 2);
    distinct.insert(described(s));
  }
  CHECK(distinct.size() > 30);

  // Bounds from the file: only crashes, of the clients, two to four of them.
  t.loaded.explore.min_faults = 2;
  t.loaded.explore.max_faults = 4;
  t.loaded.explore.max_actions = 0;
  t.loaded.explore.fault_kinds = {"crash"};
  t.loaded.explore.always_up = {"bank", "shop", "sms"};
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    CHECK(s.items.size() >= 2);
    CHECK(s.items.size() <= 4);
    for (const auto& item : s.items) {
      CHECK(item.type() == "crash");
      auto who = item.body.entries.front().value.find("participant")->scalar;
      CHECK(who.rfind("c", 0) == 0);
    }
  }
}

TEST_CASE("explore: bounds are checked where the file says them", "[explore][loader]") {
  auto base = std::string(R"(scenario: t
description: bounds
participants:
  alice: {role: echo, peer: srv}
  srv: {role: echo, peer: alice}
expect:
  - invariant: round_trips_complete
explore:
)");
  auto error_of = [&](const std::string& body) {
    try {
      load_scenario_text(base + body, "x.yaml");
    } catch (const load_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("  faults: 3..1\n").find("x.yaml:9:11: faults must be N or LO..HI") == 0);
  CHECK(error_of("  fault_kinds: [drop, crsh]\n")
          .find("x.yaml:9:23: fault_kinds: unknown "
                "'crsh' (did you mean 'crash'?)") == 0);
  CHECK(error_of("  always_up: [bob]\n").find("x.yaml:9:15: always_up names unknown") == 0);
  CHECK(error_of("  horizon: 0s\n").find("x.yaml:9:12:") == 0);
  CHECK(error_of("  actions: 1..2\n  attacks: [replay, forge]\n") == "no error");
}

TEST_CASE("a key seed gives the same keys whatever the run's seed", "[explore][keys]") {
  auto text = [](int seed, const std::string& extra) {
    return "scenario: k\ndescription: keys\nseed: " + std::to_string(seed) + "\n" + extra +
           R"(participants:
  bank:
    role: ecommerce.bank
    otp_provider: sms
    accounts: [{holder: alice, card: "1", expiry: "1", phone: "+1", balance: 100}, {holder: shop}]
  shop: {role: ecommerce.merchant, bank: bank, catalogue: {book: 25}}
  sms: {role: otp_provider}
  alice: {role: ecommerce.client, merchant: shop, bank: bank, card: "1", expiry: "1", phone: "+1"}
steps:
  - {at: 1s, alice: {buy: book}}
expect:
  - invariant: money_conserved
)";
  };
  auto bank_key = [](const scenario& s) {
    world w;
    build_world(s, world_options{s.seed, false, false, nullptr}, w);
    return w.dir.public_key("bank")->to_der();
  };
  auto a = load_scenario_text(text(1, "key_seed: 99\n"), "a.yaml");
  auto b = load_scenario_text(text(2, "key_seed: 99\n"), "b.yaml");
  auto c = load_scenario_text(text(2, ""), "c.yaml");
  CHECK(bank_key(a) == bank_key(b));
  CHECK(bank_key(a) != bank_key(c));
  // Without a key seed the keys come from the seed, as before: key_seed equal
  // to the seed gives the same long-term keys.
  auto d = load_scenario_text(text(99, ""), "d.yaml");
  CHECK(bank_key(d) == bank_key(a));
  // Session keys too: two runs that differ only in their seed agree on the
  // client's session key, and each run is reproducible.
  auto ra = run_scenario(a), ra2 = run_scenario(a), rb = run_scenario(b);
  CHECK(trace_text(ra) == trace_text(ra2));
  auto session_key = [](const run_result& r) {
    for (const auto& rec : r.trace->records())
      if (rec["type"] == "event" && rec["name"] == "TidIssued")
        return rec["details"]["client_key"].get<std::string>();
    return std::string();
  };
  CHECK(!session_key(ra).empty());
  CHECK(session_key(ra) == session_key(rb));
}

TEST_CASE("a run with a schedule is reproducible to the byte", "[explore][determinism]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  for (std::uint64_t seed : {3u, 15u}) {
    auto tree = with_schedule(t, draw_schedule(t.loaded, seed), seed);
    auto s = load_scenario_tree(tree, t.file);
    CHECK(trace_text(run_scenario(s)) == trace_text(run_scenario(s)));
    // Written out and read back, it is the same run.
    auto again = load_scenario_text(to_yaml(tree), "again.yaml");
    CHECK(trace_text(run_scenario(again)) == trace_text(run_scenario(s)));
  }
}

namespace {

/// Explores `rel` with `sets` switched off until the first failure of
/// `invariant`; checks it was found within `within` seeds, shrunk to at most
/// 3 faults and actions, and that its reproducer fails the same way.
void finds(const std::string& rel, const std::vector<std::string>& sets,
           const std::string& invariant, std::uint64_t within) {
  std::vector<option_override> overrides;
  for (const auto& s : sets)
    overrides.push_back(*parse_override(s));
  auto t = load_target(library(rel), overrides);
  std::optional<std::uint64_t> found;
  for (std::uint64_t seed = 1; seed <= within && !found; ++seed) {
    auto r = run_trial(t, draw_schedule(t.loaded, seed), seed);
    if (shows(r, invariant))
      found = seed;
  }
  INFO(rel << ": no seed up to " << within << " broke " << invariant);
  REQUIRE(found);
  auto small = shrink(t, draw_schedule(t.loaded, *found), *found, invariant);
  INFO("seed " << *found << ", shrunk to:\n"
               << [&] {
                    std::string s;
                    for (const auto& line : described(small.minimal))
                      s += "  " + line + "\n";
                    return s;
                  }());
  CHECK(small.minimal.items.size() <= 3);
  CHECK(shows(small.trial, invariant));

  // The reproducer is an ordinary scenario file: loaded from its text and
  // played, it breaks the same invariant.
  auto dir = temp_dir(invariant);
  std::filesystem::create_directories(dir);
  auto path = dir + "/repro.yaml";
  std::ofstream(path) << reproducer_text(t, small, *found, invariant, "test");
  auto s = load_scenario(path);
  auto run = run_scenario(s);
  bool broke = false;
  for (const auto& c : check_expectations(s, run))
    broke = broke || (!c.passed && c.text == invariant);
  CHECK(broke);
  std::filesystem::remove_all(dir);
}

} // namespace

TEST_CASE("explore finds the double charge when the bank's tid and OTP checks are off",
          "[explore][finds]") {
  finds("ecommerce/happy-path.yaml", {"bank.unique_tids=false", "bank.check_otp=false"},
        "charged_at_most_once", 400);
}

TEST_CASE("explore finds the replayed message shown twice when bob's replay check is off",
          "[explore][finds]") {
  finds("messaging/two-devices-chat.yaml", {"bob.check_replays=false"}, "delivered_in_order", 400);
}

TEST_CASE("explore finds the twice-settled token when tokens are not single-use",
          "[explore][finds]") {
  finds("micropay/pay-ok.yaml", {"server.single_use_tokens=false"}, "token_settled_at_most_once",
        400);
}

TEST_CASE("explore finds the twice-processed order when the OPD's replay checks are off",
          "[explore][finds]") {
  finds("purchase/rsa-order.yaml", {"opd.check_replays=false", "opd.check_nonces=false"},
        "order_processed_at_most_once", 400);
}
