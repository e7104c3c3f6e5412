// What the invariants hold a participant to when a crash took its memory,
// or it is down at the end (found by protobed explore): each rule is shown
// excusing exactly that case and still failing the same trace without it.
#include <catch2/catch.hpp>

#include "actors/ecommerce/invariants.hpp"
#include "actors/messaging/invariants.hpp"
#include "actors/micropay/invariants.hpp"
#include "actors/purchase/invariants.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using test::event_record;

namespace {

verdict check(const std::vector<invariant_info>& all, const std::string& name,
              const std::vector<trace_record>& recs) {
  return test::check_invariant(test::invariant_named(all, name), recs);
}

/// alice pays for tid t1; the bank commits it.
std::vector<trace_record> purchase_paid() {
  return {event_record("shop", "TidIssued", {{"tid", "t1"}}),
          event_record("alice", "PurchaseStarted", {{"purchase", "1"}}),
          event_record("alice", "SetupComplete",
                       {{"purchase", "1"}, {"tid", "t1"}, {"merchant", "shop"}}),
          event_record("bank", "PaymentCommitted",
                       {{"tid", "t1"}, {"payee", "shop"}, {"payer", "alice"}})};
}

} // namespace

TEST_CASE("outcome_agreement: a client down at the end is not compared, one that is up is",
          "[invariants][crash]") {
  auto recs = purchase_paid();
  CHECK_FALSE(check(ecommerce::invariants(), "outcome_agreement", recs).held); // pending
  recs.push_back(event_record("alice", "Crashed", {}));
  CHECK(check(ecommerce::invariants(), "outcome_agreement", recs).held);
  recs.push_back(event_record("alice", "Restarted", {{"state", "kept"}}));
  CHECK_FALSE(check(ecommerce::invariants(), "outcome_agreement", recs).held);
}

TEST_CASE("outcome_agreement: 'unknown' is a client that gave up, not a wrong belief",
          "[invariants]") {
  auto recs = purchase_paid();
  recs.push_back(event_record("alice", "OutcomeReceived",
                              {{"purchase", "1"}, {"tid", "t1"}, {"outcome", "unknown"}}));
  auto v = check(ecommerce::invariants(), "outcome_agreement", recs);
  CHECK(v.held);
  CHECK(v.observed.find("1 ended 'unknown'") != std::string::npos);
  recs.back()["details"]["outcome"] = "aborted";
  CHECK_FALSE(check(ecommerce::invariants(), "outcome_agreement", recs).held);
}

TEST_CASE("merchant_informed: what a merchant forgot in a crash, or a merchant down at the end",
          "[invariants][crash]") {
  auto recs = purchase_paid();
  CHECK_FALSE(check(ecommerce::invariants(), "merchant_informed", recs).held);
  auto down = recs;
  down.push_back(event_record("shop", "Crashed", {}));
  CHECK(check(ecommerce::invariants(), "merchant_informed", down).held);
  auto forgot = recs;
  forgot.insert(forgot.begin() + 1, event_record("shop", "Crashed", {}));
  forgot.insert(forgot.begin() + 2, event_record("shop", "Restarted", {{"state", "lost"}}));
  CHECK(check(ecommerce::invariants(), "merchant_informed", forgot).held);
  auto gave_up = recs;
  gave_up.push_back(
    event_record("shop", "ResolutionFailed", {{"tid", "t1"}, {"reason", "no-answer"}}));
  CHECK(check(ecommerce::invariants(), "merchant_informed", gave_up).held);
  auto kept = recs;
  kept.insert(kept.begin() + 1, event_record("shop", "Crashed", {}));
  kept.insert(kept.begin() + 2, event_record("shop", "Restarted", {{"state", "kept"}}));
  CHECK_FALSE(check(ecommerce::invariants(), "merchant_informed", kept).held);
}

TEST_CASE("no_silent_loss: a message its sender lost with its state before any relay had it",
          "[invariants][crash]") {
  std::vector<trace_record> recs = {
    event_record("alice", "MessageSent", {{"to", "bob"}, {"msg", "m1"}, {"text", "hi"}}),
    event_record("alice", "Crashed", {}),
  };
  CHECK(check(messaging::invariants(), "no_silent_loss", recs).held); // down at the end
  auto kept = recs;
  kept.push_back(event_record("alice", "Restarted", {{"state", "kept"}}));
  CHECK_FALSE(check(messaging::invariants(), "no_silent_loss", kept).held);
  recs.push_back(event_record("alice", "Restarted", {{"state", "lost"}}));
  CHECK(check(messaging::invariants(), "no_silent_loss", recs).held);
  // Once the relay held it, the relay must account for it, whatever the sender lost.
  recs.insert(recs.begin() + 1, event_record("relay", "MessageHeld", {{"msg", "m1"}}));
  CHECK_FALSE(check(messaging::invariants(), "no_silent_loss", recs).held);
}

TEST_CASE("reservations_resolved: a server down at the end is not held to its expiries",
          "[invariants][crash]") {
  std::vector<trace_record> recs = {
    event_record("server", "TokenIssued", {{"token", "k1"}, {"expires", "1000000000"}}, 0),
    event_record("server", "Crashed", {}, 500000000),
    event_record("alice", "Idle", {}, 2000000000),
  };
  CHECK(check(micropay::invariants(), "reservations_resolved", recs).held);
  recs.insert(recs.begin() + 2,
              event_record("server", "Restarted", {{"state", "kept"}}, 1500000000));
  CHECK_FALSE(check(micropay::invariants(), "reservations_resolved", recs).held);
}

TEST_CASE("mail_matches_outcome: an OPD down at the end has not mailed yet",
          "[invariants][crash]") {
  std::vector<trace_record> recs = {
    event_record("opd", "OrderAccepted", {{"number", "1"}, {"email", "c@example.com"}}),
    event_record("opd", "Crashed", {}),
  };
  CHECK(check(purchase::invariants(), "mail_matches_outcome", recs).held);
  recs.push_back(event_record("opd", "Restarted", {{"state", "kept"}}));
  CHECK_FALSE(check(purchase::invariants(), "mail_matches_outcome", recs).held);
}
