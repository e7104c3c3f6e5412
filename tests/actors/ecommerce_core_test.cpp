// The e-commerce cores with both peers in one process, no CAF.
#include <catch2/catch.hpp>

#include "actors/ecommerce/invariants.hpp"
#include "actors/ecommerce/messages.hpp"
#include "actors/ecommerce/sealing.hpp"
#include "tests/actors/ecommerce_world.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace protobed::ecommerce;
using namespace std::chrono_literals;
using protobed::test::ecommerce_world;

namespace {

/// Flips one byte of the merchant's signature on every forwarded PM.
bool tamper_claim(packet& p) {
  if (p.kind != kind::pm_forward)
    return true;
  auto fwd = decode_pm_forward(p.bytes);
  REQUIRE(fwd);
  fwd->claim.signature[7] ^= 0x01;
  p.bytes = *encode(*fwd);
  return true;
}

} // namespace

TEST_CASE("a purchase commits and moves the money exactly once", "[ecommerce]") {
  ecommerce_world w;
  w.build();
  w.buy();
  w.h.run();
  CHECK(w.outcome() == "committed");
  CHECK(w.balance("alice") == 75);
  CHECK(w.balance("shop") == 25);
  CHECK(w.h.count("bank", "PaymentCommitted") == 1);
  CHECK(w.h.count("alice", "ResolutionUsed") == 0);
}

TEST_CASE("the bank refuses a PM whose merchant claim was tampered with", "[ecommerce][bank]") {
  ecommerce_world w;
  w.build();
  w.h.on_wire = tamper_claim;
  w.buy();
  w.h.run();
  // Refused without a record; the merchant's resolution then aborts the tid.
  CHECK(w.h.count("bank", "PaymentRefused") == 1);
  CHECK(w.h.count("shop", "ResolutionUsed") == 1);
  CHECK(w.outcome() == "aborted: resolved-without-payment");
  CHECK(w.balance("alice") == 100);
  CHECK(w.h.count("bank", "SignatureInvalid") == 1);
}

TEST_CASE("verify_signatures: false lets the tampered claim through, nothing else changes",
          "[ecommerce][bank]") {
  ecommerce_world w;
  w.bank_cfg.verify_signatures = false;
  w.build();
  w.h.on_wire = tamper_claim;
  w.buy();
  w.h.run();
  CHECK(w.outcome() == "committed");
  CHECK(w.balance("alice") == 75);
  CHECK(w.h.count("bank", "SignatureInvalid") == 0);
}

TEST_CASE("the bank refuses a tampered sealed PM even with verify_signatures off",
          "[ecommerce][bank]") {
  for (bool verify : {true, false}) {
    ecommerce_world w;
    w.bank_cfg.verify_signatures = verify;
    w.build();
    w.h.on_wire = [](packet& p) {
      if (p.kind == kind::pm_forward) {
        auto fwd = decode_pm_forward(p.bytes);
        fwd->sealed_pm[fwd->sealed_pm.size() / 2] ^= 0x01;
        p.bytes = *encode(*fwd);
      }
      return true;
    };
    w.buy();
    w.h.run();
    INFO("verify_signatures " << verify);
    CHECK(w.h.count("bank", "EnvelopeRejected") == 1);
    CHECK(w.h.count("bank", "PaymentCommitted") == 0);
    CHECK(w.balance("alice") == 100);
    // The client hears nothing from the merchant and resolves: aborted, no charge.
    CHECK(w.outcome() == "aborted: resolved-without-payment");
  }
}

namespace {

/// Delivers the first forwarded PM to the bank a second time, 50 ms later.
void replay_first_forward(ecommerce_world& w) {
  auto replayed = std::make_shared<bool>(false);
  w.h.on_wire = [&w, replayed](packet& p) {
    if (p.kind == kind::pm_forward && !*replayed) {
      *replayed = true;
      w.h.inject(p, w.h.now() + 50ms);
    }
    return true;
  };
}

} // namespace

TEST_CASE("the bank answers a replayed PM with its record and charges once", "[ecommerce][bank]") {
  ecommerce_world w;
  w.build();
  replay_first_forward(w);
  w.buy();
  w.h.run();
  CHECK(w.h.count("bank", "PaymentCommitted") == 1);
  CHECK(w.h.count("bank", "ReplayRejected") == 1);
  CHECK(w.balance("alice") == 75);
  CHECK(w.outcome() == "committed");
  CHECK(w.h.count("alice", "DuplicateOutcomeIgnored") == 1);
}

TEST_CASE("without unique_tids the single-use OTP still stops a replayed PM", "[ecommerce][bank]") {
  ecommerce_world w;
  w.bank_cfg.unique_tids = false;
  w.build();
  replay_first_forward(w);
  w.buy();
  w.h.run();
  CHECK(w.h.count("bank", "PaymentCommitted") == 1);
  CHECK(w.h.count("bank", "ReplayRejected") == 0);
  CHECK(w.h.count("bank", "OtpRejected") == 1);
  CHECK(w.balance("alice") == 75);
}

TEST_CASE("with unique_tids and check_otp both off a replayed PM charges twice",
          "[ecommerce][bank]") {
  ecommerce_world w;
  w.bank_cfg.unique_tids = false;
  w.bank_cfg.check_otp = false;
  w.build();
  replay_first_forward(w);
  w.buy();
  w.h.run();
  CHECK(w.h.count("bank", "PaymentCommitted") == 2);
  CHECK(w.balance("alice") == 50);
  CHECK(w.balance("shop") == 50);
}

TEST_CASE("the bank refuses a wrong OTP, check_otp: false accepts it", "[ecommerce][bank]") {
  for (bool check : {true, false}) {
    ecommerce_world w;
    w.bank_cfg.check_otp = check;
    w.build();
    w.buy({{"item", "book"}, {"otp", "000000"}});
    w.h.run();
    INFO("check_otp " << check);
    CHECK(w.outcome() == (check ? "aborted: otp-wrong" : "committed"));
  }
}

TEST_CASE("an OTP typed after its lifetime is refused as expired", "[ecommerce][bank]") {
  ecommerce_world w;
  w.build();
  w.buy({{"item", "book"}, {"otp_delay", "6min"}});
  w.h.run();
  CHECK(w.outcome() == "aborted: otp-expired");
  CHECK(w.h.now() > 6min);
}

TEST_CASE("the bank refuses a payment above the balance", "[ecommerce][bank]") {
  ecommerce_world w;
  w.bank_cfg.accounts[0].balance = 10;
  w.build();
  w.buy();
  w.h.run();
  CHECK(w.outcome() == "aborted: insufficient-funds");
  CHECK(w.balance("alice") == 10);
}

TEST_CASE("an unknown card is refused at the OTP step and no payment is sent",
          "[ecommerce][bank]") {
  ecommerce_world w;
  w.alice_cfg.card = "5500000000000004";
  w.build();
  w.buy();
  w.h.run();
  CHECK(w.outcome() == "aborted: unknown-card");
  CHECK(w.h.sent(kind::pm_po).empty());
}

TEST_CASE("a lost bank reply is recovered by resolution: committed, charged once",
          "[ecommerce][client]") {
  ecommerce_world w;
  w.build();
  w.h.on_wire = [](packet& p) { return p.kind != kind::bank_reply; };
  w.buy();
  w.h.run();
  CHECK(w.outcome() == "committed");
  CHECK(w.h.count("alice", "ResolutionUsed") == 1);
  CHECK(w.balance("alice") == 75);
}

TEST_CASE("a lost payment is aborted by resolution and a late copy is refused",
          "[ecommerce][client][bank]") {
  ecommerce_world w;
  w.build();
  std::optional<packet> held;
  w.h.on_wire = [&](packet& p) {
    if (p.kind == kind::pm_po && !held) {
      held = p;
      return false; // lost now ...
    }
    return true;
  };
  w.buy();
  w.h.run(30s);
  CHECK(w.outcome() == "aborted: resolved-without-payment");
  w.h.inject(*held, w.h.now() + 1s); // ... and delivered late
  w.h.run();
  CHECK(w.h.count("bank", "ReplayRejected") == 1);
  CHECK(w.h.count("bank", "PaymentCommitted") == 0);
  CHECK(w.balance("alice") == 100);
  CHECK(w.h.count("alice", "OutcomeConflict") == 0);
}

TEST_CASE("the merchant refuses a replayed PO for a closed tid, check_tid: false forwards it",
          "[ecommerce][merchant]") {
  for (bool check : {true, false}) {
    ecommerce_world w;
    w.shop_cfg.check_tid = check;
    w.build();
    w.buy();
    w.h.run();
    REQUIRE(w.outcome() == "committed");
    auto po = w.h.sent(kind::pm_po).front();
    w.h.inject(po, w.h.now() + 1s);
    w.h.run();
    INFO("check_tid " << check);
    CHECK(w.h.count("shop", "PoRejected") == (check ? 1u : 0u));
    CHECK(w.h.count("shop", "PaymentForwarded") == (check ? 1u : 2u));
    // Either way the bank's unique tids stop a second charge.
    CHECK(w.balance("alice") == 75);
  }
}

TEST_CASE("the client rejects an outcome the bank did not sign", "[ecommerce][client]") {
  ecommerce_world w;
  w.shop_cfg.verify_signatures = false; // let the forged reply reach the client
  w.build();
  w.h.on_wire = [](packet& p) {
    if (p.kind == kind::bank_reply) {
      auto blob = decode_signed_blob(p.bytes);
      auto st = decode_outcome_statement(blob->payload);
      st->result = outcome::abort("forged");
      blob->payload = *encode(*st);
      p.bytes = *encode(*blob);
    }
    return true;
  };
  w.buy();
  w.h.run();
  CHECK(w.h.count("alice", "SignatureInvalid") >= 1);
  // Resolution gets the true, signed outcome from the bank.
  CHECK(w.outcome() == "committed");
}

TEST_CASE("e-commerce messages reject truncated and trailing bytes", "[ecommerce][messages]") {
  outcome_statement st{bytes(16, 1), "shop", 25, bytes(16, 2), outcome::commit()};
  auto enc = *encode(st);
  CHECK(decode_outcome_statement(enc)->result.text() == "committed");
  for (std::size_t n = 0; n < enc.size(); ++n)
    CHECK_FALSE(decode_outcome_statement(crypto::byte_view(enc).sub(0, n)));
  enc.push_back(0);
  CHECK_FALSE(decode_outcome_statement(enc));
  // A payload of another type is refused by its label.
  CHECK_FALSE(decode_purchase_order(*encode(st)));
}

TEST_CASE("decoders refuse tids, nonces and fingerprints of the wrong length",
          "[ecommerce][messages]") {
  for (std::size_t n : {0, 8, 15, 17}) {
    INFO("length " << n);
    CHECK_FALSE(decode_outcome_statement(
      *encode(outcome_statement{bytes(n, 1), "shop", 25, bytes(16, 2), outcome::commit()})));
    CHECK_FALSE(decode_outcome_statement(
      *encode(outcome_statement{bytes(16, 1), "shop", 25, bytes(n, 2), outcome::commit()})));
    CHECK_FALSE(
      decode_merchant_claim(*encode(merchant_claim{bytes(n, 1), 25, bytes(32, 3), "shop"})));
    CHECK_FALSE(decode_resolve_request(
      *encode(resolve_request{bytes(16, 1), 25, bytes(n, 2), bytes(10, 4)})));
  }
  CHECK_FALSE(
    decode_merchant_claim(*encode(merchant_claim{bytes(16, 1), 25, bytes(31, 3), "shop"})));
  CHECK(decode_merchant_claim(*encode(merchant_claim{bytes(16, 1), 25, bytes(32, 3), "shop"})));
}

TEST_CASE("an outcome on the wire is committed or aborted, never another code",
          "[ecommerce][messages]") {
  outcome_statement st{bytes(16, 1), "shop", 25, bytes(16, 2),
                       outcome::abort("insufficient-funds")};
  auto back = decode_outcome_statement(*encode(st));
  REQUIRE(back);
  CHECK(back->result.aborted());
  CHECK(back->result.text() == "aborted: insufficient-funds");
  st.result = outcome{}; // unknown: a client's state, not something the bank can say
  CHECK_FALSE(decode_outcome_statement(*encode(st)));
}

namespace {

/// What a second merchant at the bank can send once it read shop's claim in
/// clear: a resolution for shop's tid, naming and signed by itself.
packet other_merchants_resolution(const packet& pm_forward, const crypto::rsa_private_key& key) {
  auto fwd = decode_pm_forward(pm_forward.bytes);
  REQUIRE(fwd);
  auto claim = decode_merchant_claim(fwd->claim.payload);
  REQUIRE(claim);
  claim->merchant = "mall";
  crypto::rng r = crypto::rng::deterministic(7, "mall");
  auto blob = sign_blob(r, key, *encode(merchant_resolve{*claim}));
  packet p;
  p.from = "mall";
  p.to = "bank";
  p.kind = kind::merchant_resolve;
  p.bytes = *encode(*blob);
  return p;
}

} // namespace

TEST_CASE("another merchant's resolution for shop's tid changes nothing for shop (H3 E1)",
          "[ecommerce][bank][resolution]") {
  for (bool scoped : {true, false}) {
    ecommerce_world w;
    w.bank_cfg.per_merchant_tids = scoped;
    w.bank_cfg.accounts.push_back({"mall", "", "", "", 0});
    w.build();
    auto mall_key = w.h.long_term_key("mall");
    bool held = false;
    w.h.on_wire = [&](packet& p) {
      if (p.kind != kind::pm_forward || held)
        return true;
      held = true; // held back while mall resolves shop's tid, then passed on
      w.h.inject(other_merchants_resolution(p, mall_key), w.h.now() + 1ms);
      w.h.inject(p, w.h.now() + 100ms);
      return false;
    };
    w.buy();
    w.h.run();
    REQUIRE(held);
    INFO("per_merchant_tids " << scoped);
    CHECK(w.h.count("bank", "PaymentAborted") == 1); // mall's own (mall, tid) or, unscoped, the tid
    CHECK(w.h.last("bank", "PaymentAborted")["merchant"] == (scoped ? "mall" : ""));
    CHECK(w.outcome() == (scoped ? "committed" : "aborted: resolved-without-payment"));
    CHECK(w.balance("alice") == (scoped ? 75 : 100));
    CHECK(w.balance("shop") == (scoped ? 25 : 0));
  }
}

TEST_CASE("another merchant's record of a tid value never blocks its own merchant's resolution",
          "[ecommerce][bank][resolution]") {
  // mall resolves shop's tid first (its own (mall, tid) is aborted); shop's
  // payment commits, its reply is lost, and shop's own resolution still
  // learns 'committed' and ships (found by a review written from the spec).
  ecommerce_world w;
  w.bank_cfg.accounts.push_back({"mall", "", "", "", 0});
  w.build();
  auto mall_key = w.h.long_term_key("mall");
  bool held = false;
  w.h.on_wire = [&](packet& p) {
    if (p.kind == kind::pm_forward && !held) {
      held = true;
      w.h.inject(other_merchants_resolution(p, mall_key), w.h.now() + 1ms);
      w.h.inject(p, w.h.now() + 100ms);
      return false;
    }
    return !(p.kind == kind::bank_reply && p.to == "shop" &&
             w.h.count("shop", "ResolutionUsed") == 0);
  };
  w.buy();
  w.h.run();
  CHECK(w.h.count("bank", "ResolutionRefused") == 0);
  CHECK(w.h.count("shop", "ResolutionUsed") == 1);
  CHECK(w.h.count("shop", "OrderShipped") == 1);
  CHECK(w.outcome() == "committed");
  CHECK(w.balance("shop") == 25);
}

TEST_CASE("a merchant ignores the bank's word on another merchant's tid of the same value",
          "[ecommerce][merchant]") {
  ecommerce_world w;
  w.build();
  auto bank_key = w.h.long_term_key("bank");
  w.h.on_wire = [&](packet& p) {
    if (p.kind == kind::bank_reply) { // as if answered to mall, for mall's (mall, tid)
      auto blob = decode_signed_blob(p.bytes);
      auto st = decode_outcome_statement(blob->payload);
      st->merchant = "mall";
      crypto::rng r = crypto::rng::deterministic(7, "bank");
      p.bytes = *encode(*sign_blob(r, bank_key, *encode(*st)));
    }
    return true;
  };
  w.buy();
  w.h.run(3s);
  CHECK(w.h.last("shop", "OutcomeRejected")["reason"] == "another-merchant");
  CHECK(w.h.count("shop", "OrderShipped") == 0);
}

TEST_CASE("only_payer_resolves judges who asked from the network, not from the request (H3 E1)",
          "[ecommerce][invariants]") {
  using test::event_record;
  const auto inv = test::invariant_named(invariants(), "only_payer_resolves");
  auto issued = event_record("shop", "TidIssued", {{"tid", "aa"}, {"client_key", "k1"}});
  auto packet_from = [](const std::string& from, bool via_attacker) {
    return test::packet_record(from, "bank", "ecommerce.merchant_resolve",
                               via_attacker ? "mallory" : "");
  };
  // The fingerprint inside the request is the payer's (copied from the claim):
  // the invariant used to accept this.
  auto abort = [](const std::string& merchant) {
    return event_record("bank", "PaymentAborted",
                        {{"tid", "aa"},
                         {"reason", "resolved-without-payment"},
                         {"merchant", merchant},
                         {"by", "k1"},
                         {"request", "ecommerce.merchant_resolve"}});
  };
  auto shop_asked = event_record("shop", "ResolutionUsed", {{"tid", "aa"}});
  // mall asked, the bank aborted the tid for every merchant: shop's sale is gone.
  CHECK_FALSE(test::check_invariant(inv, {issued, packet_from("mall", false), abort("")}).held);
  // shop's name on a packet an attacker sent is not shop asking.
  CHECK_FALSE(test::check_invariant(inv, {issued, packet_from("shop", true), abort("shop")}).held);
  // mall's resolution recorded as mall's own tid: shop's sale untouched.
  CHECK(test::check_invariant(inv, {issued, packet_from("mall", false), abort("mall")}).held);
  // shop itself asked.
  CHECK(test::check_invariant(inv, {issued, shop_asked, packet_from("shop", false), abort("shop")})
          .held);
  // The payer asked: the client that made key k1 and accepted the tid, with
  // a resolve the network saw it send itself.
  auto by_payer = event_record("bank", "PaymentAborted",
                               {{"tid", "aa"},
                                {"reason", "resolved-without-payment"},
                                {"merchant", "shop"},
                                {"by", "k1"},
                                {"request", "ecommerce.resolve"}});
  auto accepted = event_record("alice", "SetupComplete", {{"tid", "aa"}, {"client_key", "k1"}});
  auto alice_asked = event_record("alice", "ResolutionUsed", {{"tid", "aa"}});
  auto resolve_from = [](bool via_attacker) {
    return test::packet_record("alice", "bank", "ecommerce.resolve", via_attacker ? "mallory" : "");
  };
  CHECK(test::check_invariant(inv, {issued, accepted, alice_asked, resolve_from(false), by_payer})
          .held);
  // The key written in the request is not the payer asking (a bank with its
  // signature checks off takes a forged one): this trace used to pass.
  CHECK_FALSE(test::check_invariant(inv, {issued, accepted, by_payer}).held);
  CHECK_FALSE(
    test::check_invariant(inv, {issued, accepted, alice_asked, resolve_from(true), by_payer}).held);
  by_payer["details"]["by"] = "k2";
  CHECK_FALSE(
    test::check_invariant(inv, {issued, accepted, alice_asked, resolve_from(false), by_payer})
      .held);
}

TEST_CASE("peer_authentication takes the merchant from the scenario and the key from the client",
          "[ecommerce][invariants]") {
  using test::event_record;
  const auto inv = test::invariant_named(invariants(), "peer_authentication");
  std::map<std::string, observation> initial;
  initial["alice"].texts["merchant"] = "shop";
  std::map<std::string, observation> none;
  auto check = [&](std::vector<trace_record> recs) {
    return inv.check(run_facts{recs, initial, none}).held;
  };
  auto accepted = [](const std::string& named, const std::string& key) {
    return event_record("alice", "SetupComplete",
                        {{"tid", "aa"}, {"merchant", named}, {"client_key", key}});
  };
  auto shop_issued = event_record("shop", "TidIssued", {{"tid", "aa"}, {"client_key", "k1"}});
  auto mall_issued = event_record("mall", "TidIssued", {{"tid", "aa"}, {"client_key", "k1"}});
  CHECK(check({shop_issued, accepted("shop", "k1")}));
  // alice shops at shop but accepted a tid mall issued, whose statement
  // names mall: the old check (the merchant named) passed this.
  CHECK_FALSE(check({mall_issued, accepted("mall", "k1")}));
  // A tid shop issued to someone else's key.
  CHECK_FALSE(check({shop_issued, accepted("shop", "k9")}));
}

TEST_CASE("outcome_agreement compares a client with its own merchant's record of the tid (H3 E1)",
          "[ecommerce][invariants]") {
  using test::event_record;
  const auto inv = test::invariant_named(invariants(), "outcome_agreement");
  std::vector<trace_record> recs = {
    event_record("alice", "PurchaseStarted", {{"purchase", "1"}}),
    event_record("alice", "SetupComplete",
                 {{"purchase", "1"}, {"tid", "aa"}, {"merchant", "shop"}}),
    event_record("bank", "PaymentCommitted", {{"tid", "aa"}, {"payee", "shop"}, {"amount", "25"}}),
    // alice was told 'aborted' although shop's sale committed ...
    event_record("alice", "OutcomeReceived", {{"purchase", "1"}, {"outcome", "aborted: x"}})};
  CHECK_FALSE(test::check_invariant(inv, recs).held);
  // ... and mall's junk PM for the same tid value, recorded as mall's own,
  // used to make the bank's "last decision for the tid" agree with her.
  recs.push_back(event_record("bank", "PaymentAborted",
                              {{"tid", "aa"}, {"merchant", "mall"}, {"reason", "otp-missing"}}));
  CHECK_FALSE(test::check_invariant(inv, recs).held);
  // An abort recorded for every merchant (per_merchant_tids off) is shop's too.
  recs.back()["details"]["merchant"] = "";
  CHECK(test::check_invariant(inv, recs).held);
}

TEST_CASE("a client refuses a merchant's quote that is not a price or not what it agreed, "
          "check_amount: false pays it",
          "[ecommerce][client]") {
  struct quote {
    std::int64_t price;
    std::map<std::string, std::string> buy;
  };
  // A dishonest merchant's catalogue: nothing, less than nothing, more than
  // max_amount, and more than the price the client agreed to.
  for (const auto& q :
       {quote{0, {{"item", "book"}}}, quote{-5, {{"item", "book"}}}, quote{101, {{"item", "book"}}},
        quote{30, {{"item", "book"}, {"price", "25"}}}}) {
    INFO("quoted " << q.price);
    for (bool check : {true, false}) {
      ecommerce_world w;
      w.shop_cfg.catalogue = {{"book", q.price}};
      w.alice_cfg.max_amount = 100;
      w.alice_cfg.check_amount = check;
      w.build();
      w.buy(q.buy);
      w.h.run();
      CHECK(w.h.count("alice", "AmountRefused") == (check ? 1 : 0));
      CHECK(w.h.count("alice", "PaymentSent") == (check ? 0 : 1));
    }
  }
}
