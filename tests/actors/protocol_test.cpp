// What a protocol brings from its own folder, shown with the smallest one
// (echo): an invariant and a transaction definition in the registry, and the
// sans-IO connectivity callback, all without CAF.
#include <catch2/catch.hpp>

#include <limits>

#include "actors/echo/echo.hpp"
#include "actors/runtime/schema.hpp"
#include "tests/support/core_harness.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace std::chrono_literals;

namespace {

using test::event_record;

verdict check(const invariant_info& inv, const std::vector<trace_record>& recs) {
  return test::check_invariant(inv, recs);
}

} // namespace

TEST_CASE("the echo protocol registers its invariant and transaction from its own folder",
          "[runtime][protocol]") {
  role_registry r;
  echo::register_roles(r);
  const auto* p = r.find_protocol("echo");
  REQUIRE(p);
  REQUIRE(p->transaction);
  CHECK(p->transaction->start == "PingStarted");
  CHECK(p->transaction->end == "PingsDone");
  CHECK(r.protocol_of(*r.find("echo")) == p);
  const auto* inv = r.find_invariant("round_trips_complete");
  REQUIRE(inv);
  CHECK(r.is_outcome("PingsDone"));
  CHECK_FALSE(r.is_outcome("PingStarted"));

  auto pong = [](bool via_attacker) {
    return test::packet_record("b", "a", "echo.pong", via_attacker ? "mallory" : "");
  };
  std::vector<trace_record> complete = {
    event_record("a", "PingStarted", {{"run", "1"}, {"count", "3"}}), pong(false), pong(false),
    pong(false), event_record("a", "PingsDone", {{"run", "1"}, {"round_trips", "3"}})};
  CHECK(check(*inv, complete).held);
  // Two of the three pongs were an attacker's replays: a used to be believed.
  std::vector<trace_record> replayed = {
    event_record("a", "PingStarted", {{"run", "1"}, {"count", "3"}}), pong(false), pong(true),
    pong(true), event_record("a", "PingsDone", {{"run", "1"}, {"round_trips", "3"}})};
  CHECK_FALSE(check(*inv, replayed).held);
  std::vector<trace_record> short_run = {
    event_record("a", "PingStarted", {{"run", "1"}, {"count", "3"}}),
    event_record("a", "PingsDone", {{"run", "1"}, {"round_trips", "2"}})};
  auto v = check(*inv, short_run);
  CHECK_FALSE(v.held);
  CHECK(v.observed == "a's run 1 of 3 round trip(s) did not complete");
}

TEST_CASE("an invariant name can be registered only once per protocol", "[runtime][protocol]") {
  role_registry r;
  protocol_info twin;
  twin.name = "twin";
  twin.invariants = {{"x", "once", nullptr}, {"x", "again", nullptr}};
  CHECK_THROWS_AS(r.add_protocol(twin), std::logic_error);
}

TEST_CASE("a name two protocols register checks both halves", "[runtime][protocol]") {
  role_registry r;
  echo::register_roles(r);
  bool twin_holds = true;
  protocol_info twin;
  twin.name = "twin";
  twin.invariants = {{"round_trips_complete", "the twin's half", [&](const run_facts&) {
                        return verdict{twin_holds, "twin saw it"};
                      }}};
  r.add_protocol(twin);
  const auto* inv = r.find_invariant("round_trips_complete");
  REQUIRE(inv != nullptr);
  std::vector<trace_record> none;
  auto held = check(*inv, none);
  CHECK(held.held);
  CHECK(held.observed.find("twin: twin saw it") != std::string::npos);
  twin_holds = false;
  auto broken = check(*inv, none);
  CHECK_FALSE(broken.held);
  CHECK(broken.observed == "twin: twin saw it");
}

TEST_CASE("a core learns when a peer goes offline and comes back", "[runtime][protocol]") {
  test::core_harness h;
  h.add("a", std::make_unique<echo::echo>("b"));
  h.add("b", std::make_unique<echo::echo>("a"));
  h.set_reachable("b", false, 1s);
  h.set_reachable("b", true, 3s);
  h.run();
  CHECK(h.count("a", "PeerOffline") == 1);
  CHECK(h.count("a", "PeerOnline") == 1);
  CHECK(h.count("b", "PeerOffline") == 0); // a participant is not told about itself
  REQUIRE(h.events().size() == 2);
  CHECK(h.events()[0].second.name == "PeerOffline");
  CHECK(h.events()[0].second.detail("peer") == "b");
}

TEST_CASE("a forged integer field takes -2^63 .. 2^64-1, the top half as its 64 bits",
          "[runtime][schema]") {
  field_values f{{"a", "18446744073709551615"},
                 {"b", "9223372036854775808"},
                 {"c", "-9223372036854775808"},
                 {"d", "18446744073709551616"}};
  field_reader r(f);
  CHECK(static_cast<std::uint64_t>(r.amount("a")) == 18446744073709551615ull);
  CHECK(static_cast<std::uint64_t>(r.amount("b")) == 9223372036854775808ull);
  CHECK(r.amount("c") == std::numeric_limits<std::int64_t>::min());
  CHECK_FALSE(r.error());
  r.amount("d"); // 2^64: no field holds it
  REQUIRE(r.error());
  CHECK(r.error()->message().find("from -2^63 to 2^64-1") != std::string::npos);

  // An unsigned field (purchase's receipt number) reads 0 .. 2^64-1, never a negative.
  field_reader u(f);
  CHECK(u.unsigned_amount("a") == 18446744073709551615ull);
  CHECK_FALSE(u.error());
  u.unsigned_amount("c");
  CHECK(u.error());
}
