// The purchase-order cores without CAF: the wire formats, an order end to
// end (RSA and DSA), the password never in the clear, the key on file and
// its switch, repeats answered from the record and the nonce switch, and the
// invariants on traces made to break them.
#include <catch2/catch.hpp>

#include "actors/purchase/customer.hpp"
#include "actors/purchase/invariants.hpp"
#include "actors/purchase/opd.hpp"
#include "actors/services/mail_server.hpp"
#include "crypto/password.hpp"
#include "tests/support/core_harness.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace protobed::purchase;
using namespace std::chrono_literals;

namespace {

/// An OPD selling 3 books with accounts alice (password "a") and bob ("b"),
/// a mail server, and the customers given (participant -> config), who log
/// in at 0.
struct shop {
  test::core_harness h{21};

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
    h.add("opd", std::make_unique<opd>(oc, h.long_term_key("opd"), h.dir));
    h.add("mail", std::make_unique<services::mail_server>(services::mail_server_config{},
                                                          h.long_term_key("mail"), h.dir));
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
};

customer_config as(const std::string& id, const std::string& password) {
  customer_config c;
  c.id = id;
  c.password = password;
  return c;
}

verdict check(const std::string& name, const std::vector<trace_record>& recs) {
  return test::check_invariant(test::invariant_named(invariants(), name), recs);
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

TEST_CASE("refused logins are forgotten once stale; a login resent in time is answered again",
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

TEST_CASE("a customer's clock may be off within the window; beyond it the login is stale",
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

TEST_CASE("a resent order is answered from the record; without the nonce check it ships twice",
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
                         {"email", "a@x"},
                         {"order", order},
                         {"item", "book"},
                         {"quantity", "1"},
                         {"number", number},
                         {"stock_left", "0"}});
  };
  auto placed =
    event_record("alice", "OrderPlaced",
                 {{"customer", "alice"}, {"order", "o1"}, {"item", "book"}, {"quantity", "1"}});
  auto mailed = [](const std::string& ref) {
    return event_record("mail", "MailDelivered",
                        {{"to", "a@x"}, {"subject", "order shipped"}, {"ref", ref}});
  };
  CHECK(check("order_processed_at_most_once", {accepted("o1", "1")}).held);
  CHECK_FALSE(
    check("order_processed_at_most_once", {accepted("o1", "1"), accepted("o1", "2")}).held);
  CHECK(check("no_unauthorised_order", {placed, accepted("o1", "1")}).held);
  CHECK_FALSE(check("no_unauthorised_order", {accepted("o1", "1")}).held);
  CHECK(check("mail_matches_outcome", {accepted("o1", "1"), mailed("opd#1")}).held);
  CHECK_FALSE(check("mail_matches_outcome", {accepted("o1", "1")}).held);
  CHECK(check("mail_matches_outcome",
              {accepted("o1", "1"), event_record("opd", "MailFailed", {{"ref", "opd#1"}})})
          .held);
  CHECK_FALSE(check("mail_matches_outcome", {mailed("opd#7")}).held);
  CHECK_FALSE(
    check("mail_matches_outcome", {accepted("o1", "1"), mailed("opd#1"), mailed("opd#1")}).held);
  auto finished = event_record(
    "alice", "OrderFinished",
    {{"customer", "alice"}, {"order", "o1"}, {"outcome", "accepted"}, {"number", "1"}});
  CHECK(check("receipt_matches_order", {accepted("o1", "1"), finished}).held);
  CHECK_FALSE(check("receipt_matches_order", {finished}).held);
  auto negative = accepted("o1", "1");
  negative["details"]["stock_left"] = "-1";
  CHECK_FALSE(check("stock_never_negative", {negative}).held);
}
