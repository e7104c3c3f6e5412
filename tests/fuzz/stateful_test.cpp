// The stateful fuzz targets' machinery without libFuzzer: each world's honest
// run holds every invariant of its protocol in the harness's trace; the plan
// offers only what was on the wire; an input that holds what a participant
// would send later is foreknowledge, which the invariants would otherwise
// (rightly) call an attack; a replay of what was sent breaks nothing.
#include <catch2/catch.hpp>

#include "tests/fuzz/stateful_worlds.hpp"

using namespace protobed;

namespace {

const fuzz::sent_packet& first_of(const fuzz::stateful_plan& plan, const std::string& kind) {
  for (const auto& p : plan.packets)
    if (plan.hops[p.hop].kind == kind)
      return p;
  throw std::logic_error("no " + kind);
}

/// The last point before `at`: the session it belongs to is open.
std::size_t point_before(const fuzz::stateful_plan& plan, sim_time at) {
  std::size_t found = plan.points.size();
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (plan.points[i] < at)
      found = i;
  if (found == plan.points.size())
    throw std::logic_error("no point before");
  return found;
}

std::size_t point_after(const fuzz::stateful_plan& plan, sim_time at) {
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (plan.points[i] >= at)
      return i;
  throw std::logic_error("no point after");
}

} // namespace

TEST_CASE("every stateful world's honest run holds its protocol's invariants") {
  for (const auto& w : {fuzz::ecommerce_stateful(), fuzz::messaging_stateful(),
                        fuzz::micropay_stateful(), fuzz::purchase_stateful()}) {
    auto plan = fuzz::plan_of(w);
    CHECK(plan.hops.size() >= 4);
    CHECK(plan.points.size() >= 4);
    auto h = w.make();
    auto initial = h->observations();
    h->run(fuzz::stateful_horizon);
    CHECK(fuzz::broken(w, *h, initial).empty());
  }
}

TEST_CASE("a stateful input that holds a later packet is foreknowledge, the invariants catch it") {
  auto w = fuzz::purchase_stateful();
  auto plan = fuzz::plan_of(w);
  const auto& order = first_of(plan, purchase::kind::order);
  auto early = point_before(plan, order.at);
  CHECK(fuzz::foreknown(plan, plan.points[early], order.bytes.data(), order.bytes.size()));
  // Played anyway: the OPD takes an order alice signed only in the honest run.
  auto run = fuzz::play_input(w, plan, early, order.hop, order.bytes);
  auto failed = fuzz::broken(w, *run.h, run.initial);
  REQUIRE(!failed.empty());
  CHECK(failed.front().rfind("no_unauthorised_order", 0) == 0);
}

TEST_CASE("a stateful input that replays what was on the wire breaks nothing") {
  auto w = fuzz::purchase_stateful();
  auto plan = fuzz::plan_of(w);
  const auto& order = first_of(plan, purchase::kind::order);
  auto late = point_after(plan, order.at);
  CHECK_FALSE(fuzz::foreknown(plan, plan.points[late], order.bytes.data(), order.bytes.size()));
  auto run = fuzz::play_input(w, plan, late, order.hop, order.bytes);
  CHECK(fuzz::broken(w, *run.h, run.initial).empty());
  CHECK(run.h->count("opd", "OrderAccepted") == 1);
}
