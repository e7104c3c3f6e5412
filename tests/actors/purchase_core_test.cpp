// The purchase-order cores without CAF: the wire formats, an order end to
// end (RSA and DSA), the password never in the clear, the key on file and
// its switch, repeats answered from the record and the nonce switch, the
// order book across a restart, no signature for a session that never logged
// in, receipts ignored by name, resends in an expired session, clocks ahead
// of a restart, logins replayed after one, quantities never cut to fit, the
// per-sender login limit, and the invariants on traces made to break them.
#include <catch2/catch.hpp>

#include "actors/purchase/customer.hpp"
#include "actors/purchase/invariants.hpp"
#include "actors/purchase/opd.hpp"
#include "actors/purchase/register.hpp"
#include "actors/services/mail_server.hpp"
#include "crypto/counters.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hash.hpp"
#include "crypto/password.hpp"
#include "tests/support/core_harness.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace protobed::purchase;
using namespace std::chrono_literals;

namespace {

/// A context keeps its participant's name by reference: one that outlives them.
const std::string opd_name = "opd";

/// An OPD selling 3 books with accounts alice (password "a") and bob ("b"),
/// a mail server, and the customers given (participant -> config), who log
/// in at 0.
struct shop {
  test::core_harness h{21};
  opd_config config;
  std::map<std::string, observation> initial; ///< the OPD as built, before the first step
  std::shared_ptr<order_book> book;           ///< the OPD's disk

  shop(opd_config oc, std::map<std::string, customer_config> customers,
       std::map<std::string, crypto::signing_key> keys = {}) {
    h.dir.add_participant("opd", "purchase.opd");
    h.dir.add_participant("mail", "mail_server");
    for (const auto& [name, c] : customers)
      h.dir.add_participant(name, "purchase.customer");
    auto r = crypto::rng::deterministic(3, "test.salts");
    for (auto [id, pw] : {std::pair{"alice", "a"}, std::pair{"bob", "b"}})
      oc.customers.push_back(
        {id, id, *crypto::hash_password(r, pw, {1024, 8, 1}), std::string(id) + "@example.com"});
    oc.stock = {{"book", 3}};
    oc.mail.server = "mail";
    config = oc;
    book = std::make_shared<order_book>(oc, h.long_term_key("opd"), h.dir);
    h.add("opd", std::make_unique<opd>(oc, h.long_term_key("opd"), h.dir, book));
    h.add("mail", std::make_unique<services::mail_server>(services::mail_server_config{},
                                                          h.long_term_key("mail"), h.dir));
    initial["opd"] = h.core("opd").observe(); // the scenario as loaded
    for (auto [name, c] : customers) {
      c.opd = "opd";
      auto k = keys.count(name) ? keys.at(name) : crypto::signing_key(h.long_term_key(name));
      h.add(name, std::make_unique<customer>(c, k, h.dir));
      h.command(name, {"login", {}}, 0s);
    }
  }

  void order(const std::string& who, const std::string& item, sim_time at,
             const std::string& quantity = "1") {
    h.command(who, {"order", {{"item", item}, {"quantity", quantity}}}, at);
  }
  std::map<std::string, std::string> last(const std::string& who, const std::string& name) const {
    return h.last(who, name);
  }
  /// The OPD crashed and comes back now with its memory lost: the book on
  /// its disk if `durable`, else a new one from the configured stock.
  void restart_opd(bool durable) {
    if (!durable) {
      book = std::make_shared<order_book>(config, h.long_term_key("opd"), h.dir);
      book->replaced_lost = true;
    }
    h.add("opd", std::make_unique<opd>(config, h.long_term_key("opd"), h.dir, book));
    auto r = crypto::rng::deterministic(9, "test.restart");
    context ctx(opd_name, h.now(), r);
    h.core("opd").on_start(ctx); // opens a new book now; its effects (none pending) dropped
  }
  /// The run's events, and the network's record of every mail submission.
  std::vector<trace_record> records() const {
    std::vector<trace_record> out;
    for (const auto& [w, e] : h.events())
      out.push_back(test::event_record(w, e.name, e.details));
    for (const auto& p : h.sent(services::mail_kind::submit)) {
      auto r = test::packet_record(p.from, p.to, p.kind, p.via);
      r["id"] = p.id;
      r["digest"] = crypto::to_hex(crypto::sha256(p.bytes)).substr(0, 16);
      out.push_back(r);
    }
    return out;
  }
};

customer_config as(const std::string& id, const std::string& password) {
  customer_config c;
  c.id = id;
  c.password = password;
  return c;
}

/// A scenario's OPD "opd" as built: accounts alice and bob, each its own
/// participant's, mailed at <id>@x through the mail server "mail".
std::map<std::string, observation> opd_scenario() {
  observation o;
  for (std::string id : {"alice", "bob"}) {
    o.texts["owner." + id] = id;
    o.texts["email." + id] = id + "@x";
  }
  o.texts["mail_server"] = "mail";
  return {{"opd", o}};
}

/// `name` over `recs`, with `initial` as the scenario as loaded.
verdict check(const std::string& name, const std::vector<trace_record>& recs,
              const std::map<std::string, observation>& initial = opd_scenario()) {
  std::map<std::string, observation> none;
  return test::invariant_named(invariants(), name).check(run_facts{recs, initial, none});
}

/// The network's record of a packet: `from`'s name, put on the wire by `via`
/// if given, as packet `id` with bytes `digest`.
trace_record wire(std::uint64_t id, const std::string& digest, const std::string& from,
                  const std::string& via = "") {
  auto r = test::packet_record(from, "mail", services::mail_kind::submit, via);
  r["id"] = id;
  r["digest"] = digest;
  return r;
}

/// The mail server delivered submission `packet` (from the sender its
/// session named) to `to`: "order shipped" for `ref`.
trace_record mailed(const std::string& to, const std::string& ref, std::uint64_t packet,
                    const std::string& from = "opd") {
  return test::event_record("mail", "MailDelivered",
                            {{"to", to},
                             {"from", from},
                             {"subject", "order shipped"},
                             {"ref", ref},
                             {"packet", std::to_string(packet)}});
}

/// `name` over `recs`, with the OPD built with `stock` books (the scenario as loaded).
verdict check_with_stock(const std::string& name, const std::vector<trace_record>& recs,
                         std::int64_t stock) {
  std::map<std::string, observation> initial, none;
  initial["opd"].numbers["stock.book"] = stock;
  return test::invariant_named(invariants(), name).check(run_facts{recs, initial, none});
}

using test::event_record;

} // namespace

TEST_CASE("purchase wire formats round-trip and refuse truncation and unknown schemes",
          "[purchase][codec]") {
  order o{"alice", "book", 2, 123, bytes(nonce_size, 7), crypto::signature_scheme::dsa, {}};
  auto enc = encode(o);
  REQUIRE(enc);
  auto dec = decode_order(*enc);
  REQUIRE(dec);
  CHECK(dec->quantity == 2);
  CHECK(dec->scheme == crypto::signature_scheme::dsa);
  CHECK(encode(*dec).value() == *enc);
  auto cut = *enc;
  cut.pop_back();
  CHECK_FALSE(decode_order(cut));
  auto odd = *enc;
  odd[odd.size() - 5] = 9; // the scheme byte, before the empty key field
  CHECK_FALSE(decode_order(odd));
  receipt r{"alice", bytes(32, 1), 4, "accepted", ""};
  CHECK(decode_receipt(encode(r).value()).value().number == 4);
}

TEST_CASE("an order goes end to end: accepted once, mailed once, its receipt checked",
          "[purchase]") {
  shop s({}, {{"alice", as("alice", "a")}});
  s.order("alice", "book", 1s, "2");
  s.h.run();
  CHECK(s.h.count("opd", "LoggedIn") == 1);
  CHECK(s.h.count("opd", "OrderAccepted") == 1);
  CHECK(s.last("opd", "OrderAccepted")["stock_left"] == "1");
  CHECK(s.h.count("mail", "MailDelivered") == 1);
  CHECK(s.last("mail", "MailDelivered")["to"] == "alice@example.com");
  CHECK(s.h.count("opd", "MailSent") == 1);
  CHECK(s.last("alice", "OrderFinished")["outcome"] == "accepted");
  CHECK(s.h.core("opd").observe().numbers.at("stock.book") == 1);
  // The invariants, against the scenario as loaded and the network's record.
  CHECK(s.initial["opd"].texts.at("owner.alice") == "alice");
  CHECK(s.initial["opd"].texts.at("email.alice") == "alice@example.com");
  for (auto name : {"mail_matches_outcome", "no_unauthorised_order", "receipt_matches_order"})
    CHECK(check(name, s.records(), s.initial).held);
}

TEST_CASE("the password never crosses the wire in the clear", "[purchase][login]") {
  shop s({}, {{"alice", as("alice", "correct horse battery")}});
  std::size_t seen = 0, logins = 0;
  s.h.on_wire = [&](packet& p) {
    std::string text(p.bytes.begin(), p.bytes.end());
    seen += text.find("correct horse") != std::string::npos ? 1 : 0;
    logins += p.kind == kind::login ? 1 : 0;
    return true;
  };
  s.h.run();
  CHECK(logins == 1);
  CHECK(seen == 0);
  CHECK(s.h.count("alice", "LoginFailed") == 1); // her password is "a" on file
  CHECK(s.last("opd", "LoginRefused")["reason"] == "wrong password");
}

TEST_CASE("an unknown customer ID is refused with the wrong password's answer, after a check "
          "like a known one's",
          "[purchase][login]") {
  opd_config oc;
  auto r = crypto::rng::deterministic(4, "test.decoy");
  oc.decoy_hash = *crypto::hash_password(r, "nobody's", {1024, 8, 1});
  shop s(oc, {{"alice", as("zoe", "a")}});
  std::size_t checks = 0;
  s.h.run();
  for (const auto& [w, e] : s.h.events())
    checks += e.name == "LoginRefused" ? 1 : 0;
  CHECK(checks == 1);
  CHECK(s.last("opd", "LoginRefused")["reason"] == "unknown customer");
  CHECK(s.last("alice", "LoginFailed")["reason"] == "wrong customer ID or password");
}

TEST_CASE("refused logins are forgotten once stale, a login resent in time is answered again",
          "[purchase][login]") {
  opd_config oc;
  oc.freshness = 30s;
  shop s(oc, {{"alice", as("alice", "wrong")}});
  s.h.run();
  REQUIRE(s.h.count("alice", "LoginFailed") == 1);
  auto login = s.h.sent(kind::login).front();
  s.h.inject(login, 10s); // within the window: the same answer again
  s.h.run();
  CHECK(s.h.count("opd", "LoginRepeated") == 1);
  s.h.command("alice", {"login", {{"password", "a"}}}, 50s); // a new login prunes the stale one
  s.h.run();
  CHECK(s.h.count("opd", "LoggedIn") == 1);
  s.h.inject(login, 60s); // the first login, now stale and forgotten: refused, not answered
  s.h.run();
  CHECK(s.h.count("opd", "LoginRepeated") == 1);
  CHECK(s.last("opd", "LoginRefused")["reason"] == "stale login");
}

TEST_CASE("a customer's clock may be off within the window, beyond it the login is stale",
          "[purchase][freshness]") {
  // 40s behind, even the login is stale: its time is checked the same way.
  for (auto [offset, outcome] :
       {std::pair{-10s, "accepted"}, std::pair{-40s, ""}, std::pair{25s, "accepted"}}) {
    INFO("clock off by " << offset.count() << "s");
    auto c = as("alice", "a");
    c.clock_offset = offset;
    opd_config oc;
    oc.freshness = 30s;
    shop s(oc, {{"alice", c}});
    s.order("alice", "book", 1s);
    s.h.run();
    CHECK(s.last("alice", "OrderFinished")["outcome"] == outcome);
    CHECK(s.h.count("alice", "LoginFailed") == (offset == -40s ? 1u : 0u));
  }
}

TEST_CASE("a DSA customer's order verifies with the DSA key on file", "[purchase][dsa]") {
  auto r = crypto::rng::deterministic(5, "test.dsa");
  auto params = crypto::dsa_params::generate(r);
  auto dsa = crypto::dsa_private_key::generate(r, params);
  SECTION("signed with that key: accepted") {
    shop s({}, {{"alice", as("alice", "a")}}, {{"alice", crypto::signing_key(dsa)}});
    s.h.dir.add_verifying_key("alice", dsa.public_key());
    s.order("alice", "book", 1s);
    s.h.run();
    CHECK(s.h.count("opd", "OrderAccepted") == 1);
  }
  SECTION("signed with RSA while the key on file is DSA: refused, nothing recorded") {
    shop s({}, {{"alice", as("alice", "a")}});
    s.h.dir.add_verifying_key("alice", dsa.public_key());
    s.order("alice", "book", 1s);
    s.h.run();
    CHECK(s.h.count("opd", "OrderAccepted") == 0);
    CHECK(s.last("opd", "OrderRefused")["number"] == "0");
    CHECK(s.h.core("opd").observe().numbers.at("orders_refused") == 0);
  }
}

TEST_CASE("an order signed with a key not on file is refused, even with the right password",
          "[purchase][key]") {
  // mallory learned alice's password: she logs in as alice and signs with her own key.
  // alice's own key is on file (the harness publishes a key when first asked for it).
  auto mallory = [](bool carry) {
    auto c = as("alice", "a");
    c.carry_key = carry;
    return c;
  };
  SECTION("without carrying the key: a bad signature") {
    shop s({}, {{"mallory", mallory(false)}});
    s.h.long_term_key("alice");
    s.order("mallory", "book", 1s);
    s.h.run();
    CHECK(s.h.count("opd", "LoggedIn") == 1);
    CHECK(s.last("opd", "OrderRefused")["reason"] == "bad signature");
    CHECK(s.h.count("opd", "OrderAccepted") == 0);
  }
  SECTION("carrying it: refused before any check") {
    shop s({}, {{"mallory", mallory(true)}});
    s.h.long_term_key("alice");
    s.order("mallory", "book", 1s);
    s.h.run();
    CHECK(s.last("opd", "OrderRefused")["reason"] ==
          "carries a public key: only the key on file counts");
  }
  SECTION("with key_on_file off, the carried key is used: the seed's hole") {
    opd_config oc;
    oc.key_on_file = false;
    shop s(oc, {{"mallory", mallory(true)}});
    s.h.long_term_key("alice");
    s.order("mallory", "book", 1s);
    s.h.run();
    CHECK(s.h.count("opd", "OrderAccepted") == 1);
    std::vector<trace_record> recs;
    for (const auto& [w, e] : s.h.events())
      recs.push_back(event_record(w, e.name, e.details));
    CHECK_FALSE(check("no_unauthorised_order", recs).held);
  }
}

TEST_CASE("a resent order is answered from the record, without the nonce check it ships twice",
          "[purchase][nonce]") {
  for (bool nonces : {true, false}) {
    INFO("check_nonces " << nonces);
    opd_config oc;
    oc.check_nonces = nonces;
    shop s(oc, {{"alice", as("alice", "a")}});
    int receipts = 0;
    s.h.on_wire = [&](packet& p) { return p.kind != kind::receipt || ++receipts > 1; };
    s.order("alice", "book", 1s);
    s.h.run();
    CHECK(s.h.count("alice", "OrderFinished") == 1);
    CHECK(s.h.count("opd", "OrderAccepted") == (nonces ? 1u : 2u));
    CHECK(s.h.count("mail", "MailDelivered") == (nonces ? 1u : 2u));
    CHECK(s.h.count("opd", "OrderRepeated") == (nonces ? 1u : 0u));
  }
}

TEST_CASE("the purchase invariants break on traces that violate them", "[purchase][invariants]") {
  auto accepted = [](const std::string& order, const std::string& number) {
    return event_record("opd", "OrderAccepted",
                        {{"customer", "alice"},
                         {"account", "alice"},
                         {"email", "alice@x"},
                         {"order", order},
                         {"item", "book"},
                         {"quantity", "1"},
                         {"number", number},
                         {"stock_left", "0"},
                         {"ref", "opd#" + number}});
  };
  auto placed =
    event_record("alice", "OrderPlaced",
                 {{"customer", "alice"}, {"order", "o1"}, {"item", "book"}, {"quantity", "1"}});
  auto sent = wire(1, "d1", "opd"), again = wire(2, "d2", "opd");
  CHECK(check("order_processed_at_most_once", {accepted("o1", "1")}).held);
  CHECK_FALSE(
    check("order_processed_at_most_once", {accepted("o1", "1"), accepted("o1", "2")}).held);
  CHECK(check("no_unauthorised_order", {placed, accepted("o1", "1")}).held);
  CHECK_FALSE(check("no_unauthorised_order", {accepted("o1", "1")}).held);
  CHECK(
    check("mail_matches_outcome", {accepted("o1", "1"), sent, mailed("alice@x", "opd#1", 1)}).held);
  CHECK_FALSE(check("mail_matches_outcome", {accepted("o1", "1")}).held);
  CHECK(check("mail_matches_outcome",
              {accepted("o1", "1"), event_record("opd", "MailFailed", {{"ref", "opd#1"}})})
          .held);
  CHECK_FALSE(check("mail_matches_outcome", {sent, mailed("alice@x", "opd#7", 1)}).held);
  CHECK_FALSE(
    check("mail_matches_outcome", {accepted("o1", "1"), sent, mailed("alice@x", "opd#1", 1), again,
                                   mailed("alice@x", "opd#1", 2)})
      .held);
  auto finished = event_record("alice", "OrderFinished",
                               {{"customer", "alice"},
                                {"opd", "opd"},
                                {"order", "o1"},
                                {"outcome", "accepted"},
                                {"number", "1"}});
  CHECK(check("receipt_matches_order", {accepted("o1", "1"), finished}).held);
  CHECK_FALSE(check("receipt_matches_order", {finished}).held);
  CHECK(check_with_stock("stock_never_negative", {accepted("o1", "1")}, 1).held);
  CHECK_FALSE(check_with_stock("stock_never_negative", {accepted("o1", "1")}, 0).held);
}

TEST_CASE("purchase invariants changed by H3 break on traces that passed before",
          "[purchase][invariants]") {
  auto accepted = [](const std::string& customer, const std::string& order,
                     const std::string& number, const std::string& ref) {
    return event_record("opd", "OrderAccepted",
                        {{"customer", customer},
                         {"account", customer},
                         {"email", customer + "@x"},
                         {"order", order},
                         {"item", "book"},
                         {"quantity", "1"},
                         {"number", number},
                         {"stock_left", "0"},
                         {"ref", ref}});
  };
  auto restarted = event_record("opd", "Restarted", {{"state", "lost"}});
  SECTION("stock_never_negative: one book shipped twice across a restart that recreated it") {
    // Each OrderAccepted says stock_left 0: the old check, reading it, held.
    std::vector<trace_record> recs = {accepted("alice", "o1", "1", "opd#1"), restarted,
                                      accepted("bob", "o2", "1", "opd#1@2s")};
    CHECK_FALSE(check_with_stock("stock_never_negative", recs, 1).held);
    CHECK(check_with_stock("stock_never_negative", recs, 2).held);
  }
  SECTION("receipt_matches_order: refused after a restart for an order that shipped") {
    // The new book numbered its refusal 1 too: the old check matched it to that decision.
    std::vector<trace_record> recs = {accepted("alice", "o1", "1", "opd#1"), restarted,
                                      event_record("opd", "OrderRefused",
                                                   {{"customer", "alice"},
                                                    {"order", "o1"},
                                                    {"number", "1"},
                                                    {"reason", "signed before the OPD started"}}),
                                      event_record("alice", "OrderFinished",
                                                   {{"customer", "alice"},
                                                    {"opd", "opd"},
                                                    {"order", "o1"},
                                                    {"outcome", "refused"},
                                                    {"number", "1"}})};
    CHECK_FALSE(check("receipt_matches_order", recs).held);
    recs[2] = event_record("opd", "OrderUnknown",
                           {{"customer", "alice"}, {"order", "o1"}, {"number", "1"}});
    recs[3]["details"]["outcome"] = "unknown";
    CHECK(check("receipt_matches_order", recs).held);
  }
  SECTION("mail_matches_outcome: mails are matched by the reference the OPD gave") {
    // Two books' order 1 with their own references, each mailed once: the old
    // check made both "opd#1" and failed it as delivered twice.
    CHECK(check("mail_matches_outcome",
                {accepted("alice", "o1", "1", "opd#1"), wire(1, "d1", "opd"),
                 mailed("alice@x", "opd#1", 1), restarted, accepted("bob", "o2", "1", "opd#1@2s"),
                 wire(2, "d2", "opd"), mailed("bob@x", "opd#1@2s", 2)})
            .held);
    // A mail naming "opd#1" for the order referenced "opd#1@2s": the old check took it.
    CHECK_FALSE(check("mail_matches_outcome", {accepted("bob", "o2", "1", "opd#1@2s"),
                                               wire(1, "d1", "opd"), mailed("bob@x", "opd#1", 1)})
                  .held);
    CHECK_FALSE(check("mail_matches_outcome",
                      {accepted("alice", "o1", "1", "opd#1"), wire(1, "d1", "opd"),
                       mailed("alice@x", "opd#1", 1), accepted("bob", "o2", "1", "opd#1"),
                       wire(2, "d2", "opd"), mailed("bob@x", "opd#1", 2)})
                  .held);
  }
}

TEST_CASE("purchase invariants read ownership, addresses and senders from the scenario and the "
          "network (V3): traces that passed before fail now",
          "[purchase][invariants]") {
  auto accepted = [](const std::string& opd, const std::string& account, const std::string& email) {
    return event_record(opd, "OrderAccepted",
                        {{"customer", "alice"},
                         {"account", account},
                         {"email", email},
                         {"order", "o1"},
                         {"item", "book"},
                         {"quantity", "1"},
                         {"number", "1"},
                         {"stock_left", "0"},
                         {"ref", opd + "#1"}});
  };
  auto alices = accepted("opd", "alice", "alice@x");
  SECTION("mail_matches_outcome: a stranger's mail in its own name is not the OPD's") {
    // The OPD's own submission never got through (held past the end, so no
    // MailFailed); mallory mailed alice as herself, naming opd#1. The old
    // check counted it as the OPD's mail.
    auto strangers = mailed("alice@x", "opd#1", 9, "mallory");
    std::vector<trace_record> recs = {alices, wire(9, "m9", "mallory"), strangers};
    CHECK_FALSE(check("mail_matches_outcome", recs).held);
    // And beside the OPD's own it is no second delivery (the old check said "twice").
    recs.insert(recs.begin() + 1, {wire(1, "d1", "opd"), mailed("alice@x", "opd#1", 1)});
    CHECK(check("mail_matches_outcome", recs).held);
  }
  SECTION("mail_matches_outcome: the OPD's mail forwarded by the attacker is still the OPD's; "
          "one forged in its name is not") {
    auto intercepted = wire(1, "d1", "opd");
    intercepted["fate"] = "intercepted";
    CHECK(check("mail_matches_outcome", {alices, intercepted, wire(2, "d1", "opd", "mallory"),
                                         mailed("alice@x", "opd#1", 2)})
            .held);
    auto verdict = check("mail_matches_outcome",
                         {alices, wire(2, "f2", "opd", "mallory"), mailed("alice@x", "opd#1", 2)});
    CHECK_FALSE(verdict.held);
    CHECK(verdict.observed.find("mallory wrote it") != std::string::npos);
  }
  SECTION("mail_matches_outcome: the customer's address comes from the scenario") {
    // The OPD's event named another address and mailed it there: the old check
    // compared the mail with the OPD's own word and held.
    CHECK_FALSE(
      check("mail_matches_outcome", {accepted("opd", "alice", "drop@evil"), wire(1, "d1", "opd"),
                                     mailed("drop@evil", "opd#1", 1)})
        .held);
  }
  SECTION("mail_matches_outcome: only the OPD's own MailFailed excuses an order") {
    auto someone_elses = event_record("mallory", "MailFailed", {{"ref", "opd#1"}});
    CHECK_FALSE(check("mail_matches_outcome", {alices, someone_elses}).held);
    CHECK(
      check("mail_matches_outcome", {alices, event_record("opd", "MailFailed", {{"ref", "opd#1"}})})
        .held);
  }
  SECTION("no_unauthorised_order: the account's owner comes from the scenario") {
    // The OPD said the account is mallory's, and mallory placed the order: the
    // old check took the OPD's word. The scenario gives alice's account to alice.
    auto mallorys =
      event_record("mallory", "OrderPlaced",
                   {{"customer", "alice"}, {"order", "o1"}, {"item", "book"}, {"quantity", "1"}});
    CHECK_FALSE(
      check("no_unauthorised_order", {mallorys, accepted("opd", "mallory", "alice@x")}).held);
    auto hers = mallorys;
    hers["who"] = "alice";
    CHECK(check("no_unauthorised_order", {hers, accepted("opd", "mallory", "alice@x")}).held);
    // An account the scenario never gave this OPD belongs to no one.
    CHECK_FALSE(check("no_unauthorised_order", {hers, accepted("opd2", "alice", "alice@x")}).held);
  }
  SECTION("receipt_matches_order: decisions are the OPD's the customer ordered from") {
    // A copy of alice's order accepted by opd2; her own OPD decided nothing
    // under that number. The old check matched her receipt to opd2's decision.
    auto finished = event_record("alice", "OrderFinished",
                                 {{"customer", "alice"},
                                  {"opd", "opd"},
                                  {"order", "o1"},
                                  {"outcome", "accepted"},
                                  {"number", "1"}});
    CHECK_FALSE(
      check("receipt_matches_order", {accepted("opd2", "alice", "alice@x"), finished}).held);
    CHECK(check("receipt_matches_order", {alices, finished}).held);
    // And opd2's acceptance does not make her own OPD's refusal a lie (the old check failed).
    auto refused = event_record(
      "opd", "OrderRefused",
      {{"customer", "alice"}, {"order", "o1"}, {"number", "1"}, {"reason", "out of stock"}});
    finished["details"]["outcome"] = "refused";
    CHECK(check("receipt_matches_order", {accepted("opd2", "alice", "alice@x"), refused, finished})
            .held);
  }
}

TEST_CASE("orders_fresh: an order accepted outside the window of its signing fails, the window "
          "from the scenario, the age in real time",
          "[purchase][invariants]") {
  auto placed = [](const std::string& who, std::int64_t at_ms) {
    return event_record(
      who, "OrderPlaced",
      {{"customer", "alice"}, {"order", "o1"}, {"item", "book"}, {"quantity", "1"}},
      at_ms * 1000000);
  };
  auto accepted = [](std::int64_t at_ms) {
    return event_record("opd", "OrderAccepted",
                        {{"customer", "alice"},
                         {"order", "o1"},
                         {"number", "1"},
                         {"item", "book"},
                         {"quantity", "1"}},
                        at_ms * 1000000);
  };
  auto scenario = opd_scenario();
  scenario["opd"].numbers["freshness_ms"] = 30000;
  auto fresh = [&](const std::vector<trace_record>& recs) {
    return check("orders_fresh", recs, scenario).held;
  };
  CHECK(fresh({placed("alice", 1000), accepted(1200)}));
  CHECK(fresh({placed("alice", 1000), accepted(31000)}));       // at the window's edge
  CHECK_FALSE(fresh({placed("alice", 1000), accepted(41000)})); // held 40 s (delayed-order)
  // Real time, not the order's timestamp: a customer whose clock runs 20 s
  // ahead signs "21 s" at 1 s, which the OPD's check takes for fresh at 41 s;
  // held that long it is still 40 s old.
  CHECK_FALSE(fresh({placed("alice", 1000), accepted(41000)}));
  // Placed by someone the scenario does not give the account: not this
  // invariant's (no_unauthorised_order's); the window is the scenario's, so
  // an OPD that reports none is not judged.
  CHECK(fresh({placed("mallory", 1000), accepted(90000)}));
  CHECK(check("orders_fresh", {placed("alice", 1000), accepted(90000)}).held);
}

TEST_CASE("the order book survives a restart that loses the OPD's memory, a new book answers "
          "unknown for what it cannot know",
          "[purchase][crash]") {
  for (bool durable : {true, false}) {
    INFO("durable_orders " << durable);
    shop s({}, {{"alice", as("alice", "a")}, {"bob", as("bob", "b")}});
    int receipts = 0; // alice's first receipt is lost: she will resend
    s.h.on_wire = [&](packet& p) { return p.kind != kind::receipt || ++receipts > 1; };
    s.order("alice", "book", 1s, "3");
    s.h.run(1500ms);
    REQUIRE(s.h.count("opd", "OrderAccepted") == 1);
    s.h.run(2s);
    s.restart_opd(durable);
    // Her session went with the OPD's memory. Logins wait out the freshness
    // window after the restart: a new book refuses those signed within it.
    s.h.command("alice", {"login", {}}, 40s);
    s.h.command("bob", {"login", {}}, 41s);
    s.order("bob", "book", 42s);
    s.h.run();
    auto bob = s.last("bob", "OrderFinished");
    auto alice = s.last("alice", "OrderFinished");
    if (durable) {
      CHECK(s.h.count("opd", "OrderAccepted") == 1);
      CHECK(alice["outcome"] == "accepted"); // the recorded receipt
      CHECK(alice["number"] == "1");
      CHECK(bob["outcome"] == "refused");
      CHECK(bob["reason"] == "out of stock");
      CHECK(bob["number"] == "2"); // numbers go on
    } else {
      CHECK(s.h.count("opd", "OrderAccepted") == 2); // the stock came back: sold twice
      CHECK(s.last("opd", "OrderAccepted")["ref"] == "opd#1@2s");
      CHECK(alice["outcome"] == "unknown"); // not refused: it shipped
      CHECK(s.h.count("opd", "OrderUnknown") == 1);
    }
    CHECK(s.h.count("opd", "OrderRefused") == (durable ? 1u : 0u));
    CHECK(s.h.count("opd", "LoginRefused") == 0);
    auto recs = s.records();
    CHECK(check_with_stock("stock_never_negative", recs, 3).held == durable);
    CHECK(check("receipt_matches_order", recs).held);
    CHECK(check("mail_matches_outcome", recs, s.initial).held);
  }
}

namespace {

/// A login sealed for the OPD, opening a session the test holds (an attacker
/// that knows, or guesses, a password).
struct own_session {
  services::session s;
  packet login;
};

own_session open_session(shop& sh, const std::string& id, const std::string& password,
                         crypto::rng& r, sim_time signed_at = {}) {
  login l{r.generate(services::session_id_size),
          r.generate(services::session_secret_size),
          id,
          password,
          signed_at.count(),
          r.generate(nonce_size)};
  auto sealed =
    crypto::seal(r, *sh.h.dir.public_key("opd"), encode(l).value(), byte_view(kind::login));
  return {services::session::derive(session_label, l.session, l.secret, true).value(),
          packet{0, "mallory", "opd", kind::login, sealed.value(), {}}};
}

/// An order for one book in `os`, signed with no one's key (a junk signature).
packet order_in(own_session& os, const std::string& customer, crypto::rng& r, bytes nonce = {},
                std::int64_t time = 0) {
  if (nonce.empty())
    nonce = r.generate(nonce_size);
  order o{customer, "book", 1, time, nonce, crypto::signature_scheme::rsa_pss, {}};
  auto payload = encode(o).value();
  auto blob = crypto::encode(signed_blob{payload, bytes(256, 1)}).value();
  return packet{0, "mallory", "opd", kind::order, os.s.seal(r, kind::order, blob).value(), {}};
}

} // namespace

TEST_CASE("a session that never logged in costs the OPD no signature, refusals are signed off "
          "the actor",
          "[purchase][workers]") {
  shop s({}, {});
  auto r = crypto::rng::deterministic(11, "test.stranger");
  auto stranger = open_session(s, "alice", "guess", r);
  auto known = open_session(s, "alice", "a", r);
  s.h.inject(stranger.login, 0s);
  s.h.inject(known.login, 0s);
  s.h.run();
  REQUIRE(s.h.count("opd", "LoginRefused") == 1);
  REQUIRE(s.h.count("opd", "LoggedIn") == 1);

  auto before = crypto::counted_ops();
  for (int i = 0; i < 5; ++i)
    s.h.inject(order_in(stranger, "alice", r), 1s + i * 100ms);
  s.h.run();
  auto used = crypto::counted_ops() - before;
  CHECK(used.rsa_private == 0); // no RSA signature (nor decryption) for a stranger
  CHECK(used.dsa_sign == 0);
  CHECK(s.h.count("opd", "OrderRefused") == 5);
  CHECK(s.last("opd", "OrderRefused")["reason"] == "not logged in");
  CHECK(s.last("opd", "OrderRefused")["answer"] == "none");
  CHECK(s.h.sent(kind::receipt).empty());

  // A logged-in session gets its refusal signed, on a worker: nothing signed in the actor.
  context ctx(opd_name, s.h.now(), r);
  before = crypto::counted_ops();
  s.h.core("opd").on_packet(order_in(known, "bob", r), ctx);
  CHECK((crypto::counted_ops() - before).rsa_private == 0);
  REQUIRE(ctx.out().events.size() == 1);
  CHECK(ctx.out().events[0].name == "OrderRefused");
  for (const auto& [k, v] : ctx.out().events[0].details)
    CHECK(k != "answer"); // it is answered, once signed
  CHECK(ctx.out().sends.empty());
  REQUIRE(ctx.out().work.size() == 1);
  CHECK(ctx.out().work[0].id.purpose == "refusal");
  before = crypto::counted_ops();
  auto signed_refusal = std::any_cast<bytes>(ctx.out().work[0].work(r));
  CHECK((crypto::counted_ops() - before).rsa_private == 1);
  auto blob = decode_signed_blob(signed_refusal).value();
  CHECK(s.h.dir.public_key("opd")->verify(blob.payload, blob.signature));
  CHECK(decode_receipt(blob.payload).value().reason == "not this session's customer");
}

TEST_CASE("a genuine receipt for another order is ignored by name, a forged one is rejected",
          "[purchase][receipt]") {
  test::core_harness h{23};
  h.dir.add_participant("opd", "purchase.opd");
  h.dir.add_participant("alice", "purchase.customer");
  auto opd_key = h.long_term_key("opd");
  auto c = as("alice", "a");
  c.opd = "opd";
  h.add("alice",
        std::make_unique<customer>(c, crypto::signing_key(h.long_term_key("alice")), h.dir));
  auto r = crypto::rng::deterministic(12, "test.fake-opd");
  // The test plays the OPD: it opens alice's login with the OPD's key.
  h.command("alice", {"login", {}}, 0s);
  h.run(100ms);
  auto l =
    decode_login(
      crypto::open(r, opd_key, h.sent(kind::login).front().bytes, byte_view(kind::login)).value())
      .value();
  auto s = services::session::derive(session_label, l.session, l.secret, false).value();
  auto answer = [&](const char* k, const bytes& payload, sim_time at) {
    h.inject(packet{0, "opd", "alice", k, s.seal(r, k, payload).value(), {}}, at);
  };
  auto receipt_for = [&](const bytes& digest, const crypto::rsa_private_key& key) {
    auto payload = encode(receipt{"alice", digest, 1, "accepted", ""}).value();
    return crypto::encode(signed_blob{payload, key.sign(r, payload)}).value();
  };
  answer(kind::welcome, encode(welcome{"ok", ""}).value(), 200ms);
  h.command("alice", {"order", {{"item", "book"}}}, 1s);
  h.run(1100ms);
  auto sent = services::decode_record(h.sent(kind::order).front().bytes).value();
  auto digest = crypto::sha256(*s.open(kind::order, sent, true).payload);

  answer(kind::receipt, receipt_for(crypto::sha256(bytes{1, 2, 3}), opd_key), 1200ms);
  h.run(1250ms);
  CHECK(h.count("alice", "ReceiptIgnored") == 1);
  CHECK(h.last("alice", "ReceiptIgnored")["reason"] == "not for the order in flight");
  answer(kind::receipt, receipt_for(digest, h.long_term_key("alice")), 1300ms);
  h.run(1350ms);
  CHECK(h.last("alice", "ReceiptRejected")["reason"] == "not signed by the OPD");
  CHECK(h.count("alice", "OrderFinished") == 0);
  answer(kind::receipt, receipt_for(digest, opd_key), 1400ms);
  h.run(1450ms);
  CHECK(h.last("alice", "OrderFinished")["outcome"] == "accepted");
  answer(kind::receipt, receipt_for(digest, opd_key), 1500ms); // answered twice: a resend's answer
  h.run(1550ms);
  CHECK(h.count("alice", "ReceiptIgnored") == 2);
  CHECK(h.last("alice", "ReceiptIgnored")["reason"] == "order already finished");
  CHECK(h.count("alice", "OrderFinished") == 1);
  CHECK(h.count("alice", "ReceiptRejected") == 1);
}

TEST_CASE("a resend in an expired session gets the recorded receipt once its signature holds, "
          "an undecided order there is refused",
          "[purchase][session]") {
  opd_config oc;
  oc.session_lifetime = 2s;
  shop s(oc, {{"alice", as("alice", "a")}});
  int receipts = 0; // alice's first receipt is lost: she resends at 3 s, her session expired
  s.h.on_wire = [&](packet& p) { return p.kind != kind::receipt || ++receipts > 1; };
  auto r = crypto::rng::deterministic(13, "test.expired");
  auto mallory = open_session(s, "alice", "a", r); // knows alice's password, not her key
  s.h.inject(mallory.login, 0s);
  s.order("alice", "book", 1s);
  s.h.run(2500ms);
  REQUIRE(s.h.count("opd", "OrderAccepted") == 1);
  // In her expired session, a copy naming alice's decided order, badly signed:
  // the signature is checked before the record answers, so no receipt.
  auto nonce = s.book->decisions.begin()->first.second;
  s.h.inject(order_in(mallory, "alice", r, nonce, 2'500'000'000), 2600ms);
  s.h.run(2700ms);
  CHECK(s.last("opd", "OrderRefused")["reason"] == "bad signature");
  CHECK(s.h.count("opd", "OrderRepeated") == 0);
  s.h.run();
  CHECK(s.h.count("opd", "OrderRepeated") == 1);
  CHECK(s.last("opd", "OrderRepeated")["session"] == "expired");
  CHECK(s.last("alice", "OrderFinished")["outcome"] == "accepted");
  CHECK(s.last("alice", "OrderFinished")["number"] == "1");
  s.order("alice", "book", 10s); // never decided: refused, signed, recording nothing
  s.h.run();
  CHECK(s.last("alice", "OrderFinished")["outcome"] == "refused");
  CHECK(s.last("alice", "OrderFinished")["reason"] == "session expired");
  CHECK(s.h.count("opd", "OrderAccepted") == 1);
  CHECK(check("receipt_matches_order", s.records()).held);
}

TEST_CASE("a resend in an expired session while a copy is still being checked is answered by "
          "that copy",
          "[purchase][session]") {
  opd_config oc;
  oc.session_lifetime = 2s;
  shop s(oc, {});
  auto r = crypto::rng::deterministic(16, "test.pending");
  auto os = open_session(s, "alice", "a", r);
  s.h.inject(os.login, 0s);
  s.h.run();
  REQUIRE(s.h.count("opd", "LoggedIn") == 1);
  // alice's order, signed with her key on file, arrives twice: at 1 s, and
  // again at 3 s once the session expired, before the first copy's check ends.
  order o{
    "alice", "book", 1, 1'000'000'000, r.generate(nonce_size), crypto::signature_scheme::rsa_pss,
    {}};
  auto payload = encode(o).value();
  auto alice = crypto::signing_key(s.h.long_term_key("alice"));
  auto blob = crypto::encode(signed_blob{payload, alice.sign(r, payload)}).value();
  auto copy = [&] {
    return packet{0, "mallory", "opd", kind::order, os.s.seal(r, kind::order, blob).value(), {}};
  };
  auto& core = s.h.core("opd");
  context first(opd_name, 1s, r);
  core.on_packet(copy(), first);
  context second(opd_name, 3s, r);
  core.on_packet(copy(), second);
  REQUIRE(first.out().work.size() == 1);
  REQUIRE(second.out().work.size() == 1); // checked too: a copy of it is pending
  auto finish = [&](context& arrival, sim_time at) {
    context done(opd_name, at, r);
    const auto& w = arrival.out().work[0];
    core.on_work_done(w.id, w.work(r), done);
    return done.out();
  };
  auto late = finish(second, 3100ms); // its signature holds, no decision yet
  REQUIRE(late.events.size() == 1);
  CHECK(late.events[0].name == "OrderRepeated");
  CHECK(late.events[0].detail("decision") == "pending");
  CHECK(late.events[0].detail("session") == "expired");
  CHECK(late.sends.empty());
  auto early = finish(first, 3200ms); // the first copy decides; its receipt answers both
  REQUIRE_FALSE(early.events.empty());
  CHECK(early.events[0].name == "OrderAccepted");
}

TEST_CASE("a book that replaced a lost one counts what was signed within the freshness window "
          "after it opened as before it, without the margin a clock ahead ships twice",
          "[purchase][crash][freshness]") {
  for (bool margin : {true, false}) {
    INFO("skew_margin " << margin);
    opd_config oc;
    oc.skew_margin = margin;
    auto c = as("alice", "a");
    c.clock_offset = 20s; // ahead, inside the 30 s window
    shop s(oc, {{"alice", c}});
    int receipts = 0;
    s.h.on_wire = [&](packet& p) { return p.kind != kind::receipt || ++receipts > 1; };
    s.order("alice", "book", 1s);
    s.h.run(2s);
    REQUIRE(s.h.count("opd", "OrderAccepted") == 1);
    s.restart_opd(false); // the book lost too: her times (21 s, 25 s) are after it opened
    s.h.command("alice", {"login", {}}, 5s);
    s.h.command("alice", {"login", {}}, 40s); // after the window
    s.h.run();
    auto recs = s.records();
    CHECK(check("order_processed_at_most_once", recs).held == margin);
    CHECK(check("receipt_matches_order", recs).held);
    if (margin) {
      CHECK(s.last("opd", "LoginRefused")["reason"] == "too close to the OPD's restart");
      CHECK(s.h.count("opd", "OrderAccepted") == 1);
      CHECK(s.last("alice", "OrderFinished")["outcome"] == "unknown");
      CHECK(s.last("opd", "OrderUnknown")["reason"] ==
            "may have shipped before the order book was lost");
    } else {
      CHECK(s.h.count("opd", "LoginRefused") == 0);
      CHECK(s.h.count("opd", "OrderAccepted") == 2);
      CHECK(s.last("alice", "OrderFinished")["outcome"] == "accepted");
    }
  }
}

TEST_CASE("an order that may have shipped from a lost book is answered unknown however old",
          "[purchase][crash][freshness]") {
  shop s({}, {{"alice", as("alice", "a")}});
  int receipts = 0;
  s.h.on_wire = [&](packet& p) { return p.kind != kind::receipt || ++receipts > 1; };
  s.order("alice", "book", 1s);
  s.h.run(2s);
  s.restart_opd(false);
  s.h.command("alice", {"login", {}}, 40s);
  s.h.run(); // her resend at 63 s was signed at 1 s: stale, but it may have shipped
  CHECK(s.h.count("opd", "OrderUnknown") == 1);
  CHECK(s.h.count("opd", "OrderRefused") == 0);
  CHECK(s.last("alice", "OrderFinished")["outcome"] == "unknown");
}

TEST_CASE("a login replayed after a restart that lost the sessions is refused: the book keeps "
          "the logins while a replay would be fresh",
          "[purchase][login][crash]") {
  for (bool replays : {true, false}) {
    INFO("check_replays " << replays);
    opd_config oc;
    oc.check_replays = replays;
    shop s(oc, {{"alice", as("alice", "a")}});
    s.order("alice", "book", 1s);
    s.h.run(2s);
    CHECK(s.book->logins.size() == (replays ? 1u : 0u));
    s.restart_opd(true);
    auto login = s.h.sent(kind::login).front();
    s.h.inject(login, 10s); // signed at 0 s: inside the 30 s window
    s.h.run();
    CHECK(s.h.count("opd", "LoggedIn") == (replays ? 1u : 2u));
    if (replays)
      CHECK(s.last("opd", "LoginRefused")["reason"] == "login already used");
    CHECK(check("login_accepted_once", s.records()).held == replays);
  }
  // Once a replay would be stale, the book forgets the login.
  shop s({}, {{"alice", as("alice", "a")}});
  s.h.run(1s);
  REQUIRE(s.book->logins.size() == 1);
  s.h.command("alice", {"login", {}}, 45s); // a new login prunes what is past the window
  s.h.run();
  CHECK(s.book->logins.size() == 1);
  CHECK(s.h.count("opd", "LoggedIn") == 2);
}

TEST_CASE("quantities an order cannot carry are refused by name, never cut to fit",
          "[purchase][quantity]") {
  shop s({}, {{"alice", as("alice", "a")}});
  s.order("alice", "book", 1s, "4294967296"); // 2^32: was cut to 4294967295
  s.order("alice", "book", 2s, "4294967295"); // the most an order carries: the OPD refuses it
  s.h.run();
  CHECK(s.h.count("alice", "CommandRejected") == 1);
  CHECK(s.last("alice", "CommandRejected")["reason"] ==
        "quantity 4294967296 is more than an order carries (at most 4294967295)");
  CHECK(s.h.count("alice", "OrderPlaced") == 1);
  CHECK(s.last("alice", "OrderPlaced")["quantity"] == "4294967295");
  CHECK(s.last("opd", "OrderRefused")["reason"] == "bad quantity");

  // The attacker's schema: a field that does not fit is an error naming it.
  knowledge known;
  known.private_keys.emplace("bob", s.h.long_term_key("bob"));
  auto r = crypto::rng::deterministic(14, "test.schema");
  term_store t{known, s.h.dir, r};
  const message_schema* order_schema = nullptr;
  const message_schema* receipt_schema = nullptr;
  auto all = schemas();
  for (const auto& sc : all) {
    order_schema = sc.kind == kind::order ? &sc : order_schema;
    receipt_schema = sc.kind == kind::receipt ? &sc : receipt_schema;
  }
  REQUIRE(order_schema);
  REQUIRE(receipt_schema);
  field_values record = {{"session", crypto::to_hex(bytes(16, 0xb0))},
                         {"seq", "1"},
                         {"key", crypto::to_hex(bytes(32, 0x5f))},
                         {"secret", ""},
                         {"direction", ""}};
  auto order_fields = [&](const std::string& quantity) {
    auto f = record;
    f.insert({{"order", ""},
              {"order.customer", "bob"},
              {"order.item", "book"},
              {"order.quantity", quantity},
              {"order.time", "0"},
              {"order.nonce", crypto::to_hex(bytes(nonce_size, 1))},
              {"order.carried_key", ""},
              {"order.sign_with", "bob"}});
    return f;
  };
  for (auto q : {"4294967297", "-1"}) {
    INFO(q);
    auto built = order_schema->build(order_fields(q), t);
    REQUIRE_FALSE(built);
    CHECK(built.error().detail ==
          "field order.quantity must be from 0 to 4294967295, not " + std::string(q));
  }
  auto most = order_schema->build(order_fields("4294967295"), t);
  REQUIRE(most);
  known.learn_key(bytes(32, 0x5f));
  CHECK(order_schema->read(*most, t).at("order.quantity") == "4294967295");
  auto f = record;
  f.insert({{"receipt", ""},
            {"receipt.customer", "bob"},
            {"receipt.order_digest", crypto::to_hex(bytes(32, 2))},
            {"receipt.number", "-1"},
            {"receipt.outcome", "accepted"},
            {"receipt.reason", ""},
            {"receipt.sign_with", "bob"}});
  auto receipt_built = receipt_schema->build(f, t);
  REQUIRE_FALSE(receipt_built);
  CHECK(receipt_built.error().detail ==
        "field receipt.number must be from 0 to 18446744073709551615, not -1");
  // The top of the range is a receipt number like any other.
  f["receipt.number"] = "18446744073709551615";
  auto top = receipt_schema->build(f, t);
  REQUIRE(top);
  CHECK(receipt_schema->read(*top, t).at("receipt.number") == "18446744073709551615");
}

TEST_CASE("a sender whose new logins did not log in is throttled before they cost RSA or "
          "scrypt, one that logs in is taken off",
          "[purchase][login][flood]") {
  for (bool limit : {true, false}) {
    INFO("limit_senders " << limit);
    opd_config oc;
    oc.limit_senders = limit;
    oc.sender_failures = 3;
    shop s(oc, {});
    auto r = crypto::rng::deterministic(15, "test.flood");
    // Logins that succeed are taken off: five in a row from one sender all get in.
    for (int i = 0; i < 5; ++i)
      s.h.inject(open_session(s, "alice", "a", r).login, i * 100ms);
    s.h.run();
    CHECK(s.h.count("opd", "LoggedIn") == 5);
    auto before = crypto::counted_ops();
    for (int i = 0; i < 5; ++i)
      s.h.inject(open_session(s, "zoe" + std::to_string(i), "x", r, 1s).login, 1s);
    s.h.run();
    auto used = crypto::counted_ops() - before;
    CHECK(s.h.count("opd", "LoginRefused") == (limit ? 3u : 5u));
    CHECK(s.h.count("opd", "LoginThrottled") == (limit ? 2u : 0u));
    CHECK(used.rsa_private == (limit ? 3u : 5u)); // an OAEP decryption per login heard
    if (limit) {
      CHECK(s.last("opd", "LoginThrottled")["from"] == "mallory");
      CHECK(s.last("opd", "LoginThrottled")["unsuccessful"] == "3");
      // After lock_time the failures age out: heard again.
      s.h.inject(open_session(s, "alice", "a", r, 61s).login, 61s);
      s.h.run();
      CHECK(s.h.count("opd", "LoggedIn") == 6);
    }
  }
}

TEST_CASE("login_accepted_once breaks when an OPD logs one login in twice",
          "[purchase][invariants]") {
  auto opd_in = [](const std::string& session) {
    return event_record("opd", "LoggedIn", {{"customer", "alice"}, {"session", session}});
  };
  auto alice_in = event_record("alice", "LoggedIn", {{"customer", "alice"}});
  auto repeated = event_record("opd", "LoginRepeated", {{"customer", "alice"}});
  // A login taken again after a restart: passed before (no check looked), fails now.
  CHECK_FALSE(check("login_accepted_once", {opd_in("s1"), alice_in, opd_in("s1")}).held);
  CHECK(
    check("login_accepted_once", {opd_in("s1"), alice_in, repeated, opd_in("s2"), alice_in}).held);
}
