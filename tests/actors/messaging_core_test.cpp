// The messaging cores without CAF: the wire formats, registration, a chat,
// the relay's 2-message queue for an offline recipient, and the invariants
// on traces made to break them.
#include <catch2/catch.hpp>

#include <algorithm>

#include "actors/messaging/device.hpp"
#include "actors/messaging/invariants.hpp"
#include "actors/messaging/relay.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/codec.hpp"
#include "crypto/envelope.hpp"
#include "crypto/symmetric.hpp"
#include "tests/support/core_harness.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace protobed::messaging;
using namespace std::chrono_literals;

namespace {

/// relay, sms, alice (+1), bob (+2), both registering at 0.
struct chat {
  test::core_harness h{7};

  explicit chat(device_config bob_cfg = {}, device_config a = {}, relay_config rc = {}) {
    for (auto name : {"relay", "sms", "alice", "bob"})
      h.dir.add_participant(name, "x");
    h.dir.add_phone("+1", "alice");
    h.dir.add_phone("+2", "bob");
    rc.sms = "sms";
    h.add("relay", std::make_unique<relay>(rc, h.long_term_key("relay"), h.dir));
    h.add("sms", std::make_unique<otp_provider>(h.long_term_key("sms"), h.dir));
    a.relay = "relay";
    a.phone = "+1";
    h.add("alice", std::make_unique<device>(a, h.long_term_key("alice"), h.dir));
    bob_cfg.relay = "relay";
    bob_cfg.phone = "+2";
    h.add("bob", std::make_unique<device>(bob_cfg, h.long_term_key("bob"), h.dir));
    h.command("alice", {"register", {}}, 0s);
    h.command("bob", {"register", {}}, 0s);
  }

  void send(const std::string& text, const std::string& count, sim_time at) {
    h.command("alice", {"send", {{"to", "bob"}, {"text", text}, {"count", count}}}, at);
  }

  std::vector<std::string> shown(const std::string& who) const {
    std::vector<std::string> out;
    for (const auto& [w, e] : h.events())
      if (w == who && e.name == "MessageShown")
        for (const auto& [k, v] : e.details)
          if (k == "text")
            out.push_back(v);
    return out;
  }
};

using test::event_record;

verdict check(const std::string& name, const std::vector<trace_record>& recs,
              std::map<std::string, observation> final_obs = {}) {
  return test::check_invariant(test::invariant_named(invariants(), name), recs, final_obs);
}

/// bob (+2) as the scenario built him, offline by its schedule throughout.
const std::map<std::string, observation>& bob_as_built(std::int64_t queue_limit = 0,
                                                       std::int64_t mailbox_limit = 0) {
  static std::map<std::int64_t, std::map<std::string, observation>> cache;
  auto& o = cache[queue_limit * 100000 + mailbox_limit];
  o["bob"].texts["phone"] = "+2";
  if (queue_limit)
    o["relay"].numbers = {{"queue_limit", queue_limit}, {"mailbox_limit", mailbox_limit}};
  return o;
}

const std::vector<outage> bob_offline = {{"bob", {sim_time{0}, std::nullopt}, false, false}};

verdict check_offline(const std::string& name, const std::vector<trace_record>& recs,
                      std::int64_t queue_limit = 0, std::int64_t mailbox_limit = 0) {
  std::map<std::string, observation> none;
  return test::invariant_named(invariants(), name)
    .check(run_facts{recs, bob_as_built(queue_limit, mailbox_limit), none, &bob_offline});
}

} // namespace

TEST_CASE("messaging wire formats round-trip and refuse truncation and trailing bytes",
          "[messaging][codec]") {
  envelope e;
  e.h.from = "+1";
  e.h.to = "+2";
  e.h.session = bytes(session_id_size, 7);
  e.h.seq = 3;
  e.wrapped_key = bytes(5, 1);
  e.wrap_signature = bytes(6, 2);
  e.body = bytes(64, 3);
  auto enc = encode(e);
  REQUIRE(enc);
  auto dec = decode_envelope(*enc);
  REQUIRE(dec);
  CHECK(dec->h.seq == 3);
  CHECK(encode(*dec).value() == *enc);
  auto cut = *enc;
  cut.pop_back();
  CHECK_FALSE(decode_envelope(cut));
  auto longer = *enc;
  longer.push_back(0);
  CHECK_FALSE(decode_envelope(longer));

  messaging::delivery d{"+1", *enc, {{"+1", bytes(session_id_size, 7), 0}}};
  auto dd = decode_delivery(encode(d).value());
  REQUIRE(dd);
  REQUIRE(dd->evicted.size() == 1);
  CHECK(encode(*dd).value() == encode(d).value());
  // A short session id or nonce is refused, not padded.
  CHECK_FALSE(decode_key_query(encode(key_query{"+1", bytes(nonce_size - 1, 0)}).value()));
}

TEST_CASE("a link packet verifies only under its key, kind and phone", "[messaging][codec]") {
  bytes key(link_key_size, 9), other(link_key_size, 8);
  auto l = decode_linked(link(key, kind::send, "+1", bytes{1, 2, 3}).value()).value();
  CHECK(unlink(key, kind::send, l));
  CHECK_FALSE(unlink(other, kind::send, l));
  CHECK_FALSE(unlink(key, kind::receipt, l)); // not reusable as another kind
  l.phone = "+2";
  CHECK_FALSE(unlink(key, kind::send, l)); // nor for another device
}

TEST_CASE("the registration SMS names the key it is for, in one fixed format",
          "[messaging][codec]") {
  bytes fp(fingerprint_size, 0xab);
  auto text = code_sms_text("relay-042", "123456", fp);
  CHECK(text == "Your relay-042 code for key abababab: 123456");
  auto sms = parse_code_sms(text);
  REQUIRE(sms);
  CHECK(sms->code == "123456");
  CHECK(sms->key == "abababab");
  CHECK_FALSE(parse_code_sms("Code 123456 for purchase abcdef at bank. Valid for 5min."));
  CHECK_FALSE(parse_code_sms("Your relay code for key abababab: 12345x"));
}

TEST_CASE("two devices register with SMS codes and chat, without CAF", "[messaging][core]") {
  chat c;
  c.send("hi", "2", 5s);
  c.send("later", "1", 10s);
  c.h.run();
  CHECK(c.h.count("alice", "Registered") == 1);
  CHECK(c.h.count("bob", "Registered") == 1);
  CHECK(c.shown("bob") == std::vector<std::string>{"hi 1/2", "hi 2/2", "later"});
  CHECK(c.h.count("alice", "DeliveryConfirmed") == 3);
  // The session key travels until a receipt shows it arrived (message 2 left
  // before the first receipt came back), then no more.
  auto sends = c.h.sent(kind::send);
  REQUIRE(sends.size() == 3);
  auto wrapped = [](const packet& p) {
    auto l = decode_linked(p.bytes).value();
    return decode_envelope(decode_submission(l.payload)->envelope)->wrapped_key.size();
  };
  CHECK(wrapped(sends[0]) > 0);
  CHECK(wrapped(sends[2]) == 0);
}

TEST_CASE("the relay holds two messages for an offline recipient and evicts the oldest",
          "[messaging][core]") {
  chat c;
  c.h.set_reachable("bob", false, 3s);
  c.send("m", "3", 5s);
  c.h.set_reachable("bob", true, 30s);
  c.h.run();
  CHECK(c.h.count("relay", "QueueEvicted") == 1);
  CHECK(c.h.count("bob", "GapExplained") == 1);
  CHECK(c.shown("bob") == std::vector<std::string>{"m 2/3", "m 3/3"});
  CHECK(c.h.core("relay").observe().numbers.at("held") == 0);
}

TEST_CASE("a code for another key is ignored and shown to the user", "[messaging][core]") {
  chat c;
  // Someone else's enrolment for alice's number, after she registered.
  auto gen = crypto::rng::deterministic(3, "other");
  auto other = crypto::rsa_private_key::generate(gen);
  enrolment e{"+1", other.public_key().to_der(), bytes(nonce_size, 5)};
  auto payload = encode(e).value();
  auto r = crypto::rng::deterministic(4, "sign");
  packet p;
  p.from = "mallory";
  p.to = "relay";
  p.kind = kind::enrol;
  p.bytes = encode(signed_blob{payload, other.sign(r, payload)}).value();
  c.h.inject(p, 3s);
  c.h.run();
  CHECK(c.h.count("relay", "CodeSent") == 3);
  CHECK(c.h.count("alice", "SmsIgnored") == 1);
  CHECK(c.h.count("relay", "KeyReplaced") == 0);
}

TEST_CASE("the messaging invariants fail on traces that break them", "[messaging][invariants]") {
  auto sent = event_record("alice", "MessageSent", {{"to", "bob"}, {"msg", "m1"}, {"text", "hi"}});
  auto sent2 = event_record("alice", "MessageSent", {{"to", "bob"}, {"msg", "m2"}, {"text", "yo"}});
  auto shown = [](const char* msg, const char* text) {
    return event_record("bob", "MessageShown", {{"from", "alice"}, {"msg", msg}, {"text", text}});
  };
  CHECK(check("no_forgery", {sent, shown("m1", "hi")}).held);
  CHECK_FALSE(check("no_forgery", {sent, shown("m1", "Hi")}).held);
  CHECK_FALSE(check("no_forgery", {shown("m9", "hi")}).held);

  CHECK(check("delivered_in_order", {sent, sent2, shown("m1", "hi"), shown("m2", "yo")}).held);
  CHECK_FALSE(
    check("delivered_in_order", {sent, sent2, shown("m2", "yo"), shown("m1", "hi")}).held);
  CHECK_FALSE(check("delivered_in_order", {sent, shown("m1", "hi"), shown("m1", "hi")}).held);

  CHECK_FALSE(check("no_silent_loss", {sent}).held);
  observation relay_obs;
  relay_obs.texts["held.+2"] = "m1";
  CHECK(check("no_silent_loss", {sent}, {{"relay", relay_obs}}).held);
  CHECK(
    check("no_silent_loss", {sent, event_record("relay", "QueueEvicted", {{"msg", "m1"}})}).held);

  auto confirmed = event_record("alice", "DeliveryConfirmed", {{"msg", "m1"}, {"to", "bob"}});
  CHECK_FALSE(check("receipts_truthful", {sent, confirmed}).held);
  CHECK(check("receipts_truthful", {sent, shown("m1", "hi"), confirmed}).held);

  auto held = [](const char* msg, const char* n) {
    return event_record(
      "relay", "MessageHeld",
      {{"msg", msg}, {"for", "+2"}, {"held", n}, {"offline", "true"}, {"limit", "2"}});
  };
  auto evicted = [](const char* msg) {
    return event_record("relay", "QueueEvicted", {{"msg", msg}, {"for", "+2"}});
  };
  CHECK(check_offline("queue_bound", {held("a", "1"), held("b", "2"), held("c", "3"), evicted("a")})
          .held);
  CHECK_FALSE(check_offline("queue_bound", {held("a", "1"), held("b", "2"), held("c", "3")}).held);
  CHECK_FALSE(
    check_offline("queue_bound", {held("a", "1"), held("b", "2"), held("c", "3"), evicted("b")})
      .held);
  // Offline by the schedule, not by the relay's word: a relay that says bob is
  // online (it crashed when he went away and never learned) is still held to it.
  auto held_online = [](const char* msg, const char* n) {
    return event_record(
      "relay", "MessageHeld",
      {{"msg", msg}, {"for", "+2"}, {"held", n}, {"offline", "false"}, {"limit", "2"}});
  };
  CHECK_FALSE(check_offline("queue_bound",
                            {held_online("a", "1"), held_online("b", "2"), held_online("c", "3")})
                .held);
}

namespace {

device_config safety_numbers(bool block) {
  device_config c;
  c.verify_safety_numbers = true;
  c.block_mismatched_keys = block;
  return c;
}

/// bob re-registers with a new key the out-of-band check does not know, so
/// alice's lookup of it fails the comparison; she then sends twice and asks
/// to verify.
void mismatch_then_send_twice(chat& c) {
  c.h.command("bob", {"reregister", {}}, 3s);
  c.h.command("alice", {"lookup", {{"contact", "bob"}}}, 10s);
  c.send("first", "1", 12s);
  c.send("second", "1", 14s);
  c.h.command("alice", {"verify", {{"contact", "bob"}}}, 16s);
  c.send("third", "1", 20s);
  c.h.run();
}

} // namespace

TEST_CASE("a key that failed the safety-number check is never used, its contact stays blocked",
          "[messaging][core][safety]") {
  chat c({}, safety_numbers(true));
  mismatch_then_send_twice(c);
  CHECK(c.h.count("alice", "SafetyNumberMismatch") == 2); // the lookup and the verify
  CHECK(c.h.count("alice", "SendRefused") == 3);
  CHECK(c.h.last("alice", "SendRefused").at("reason") == "safety-number");
  CHECK(c.h.count("alice", "ContactVerified") == 0);
  CHECK(c.h.sent(kind::send).empty()); // nothing sealed for the unverified key
}

TEST_CASE("the seed's app sent to a key that failed the safety-number check on the next send",
          "[messaging][core][safety]") {
  chat c({}, safety_numbers(false));
  mismatch_then_send_twice(c);
  CHECK(c.h.count("alice", "SafetyNumberMismatch") >= 1);
  CHECK(c.h.count("alice", "SendRefused") == 0); // each send cleared the refusal
  CHECK(c.h.sent(kind::send).size() >= 3);       // all three sealed for the unverified key
}

TEST_CASE("verify lifts a block only for the out-of-band key", "[messaging][core][safety]") {
  chat c({}, safety_numbers(true));
  // A plain lookup of a blocked contact changes nothing; verify compares.
  c.h.command("bob", {"reregister", {}}, 3s);
  c.h.command("alice", {"lookup", {{"contact", "bob"}}}, 10s);
  c.h.command("alice", {"lookup", {{"contact", "bob"}}}, 12s);
  c.h.run();
  CHECK(c.h.count("alice", "SafetyNumberMismatch") == 1);
  CHECK(c.h.count("alice", "ContactBlocked") == 1);

  chat ok({}, safety_numbers(true));
  ok.h.command("alice", {"verify", {{"contact", "bob"}}}, 5s);
  ok.send("hi", "1", 8s);
  ok.h.run();
  CHECK(ok.h.count("alice", "ContactVerified") == 1);
  CHECK(ok.shown("bob") == std::vector<std::string>{"hi"});
}

namespace {

/// A delivery to bob (whose link check is off) of an envelope from alice in
/// `session` with `seq`, its body `body`; wrapped and signed if `key` is set.
packet delivery_to_bob(const bytes& session, std::uint64_t seq, const bytes& body) {
  envelope e;
  e.h = header{"+1", "+2", session, seq};
  e.body = body;
  linked l{"+2", encode(messaging::delivery{"+1", encode(e).value(), {}}).value(), bytes(32, 0)};
  packet p;
  p.from = "relay";
  p.to = "bob";
  p.kind = kind::deliver;
  p.bytes = encode(l).value();
  return p;
}

bytes session_of_first_send(const chat& c) {
  auto l = decode_linked(c.h.sent(kind::send).at(0).bytes).value();
  return decode_envelope(decode_submission(l.payload)->envelope)->h.session;
}

device_config unchecked_links(bool authenticate_first) {
  device_config c;
  c.check_links = false;
  c.authenticate_first = authenticate_first;
  return c;
}

} // namespace

TEST_CASE("a message is authenticated before its sequence number is acted on",
          "[messaging][core][order]") {
  for (bool first : {true, false}) {
    chat c(unchecked_links(first));
    c.send("hi", "1", 5s);
    c.h.run(7s);
    auto session = session_of_first_send(c);
    auto receipts = c.h.sent(kind::receipt).size();
    // A made-up body under alice's session: a replay of seq 0, then a gap
    // to 9*10^18 (the seed looped up to it before checking anything).
    c.h.inject(delivery_to_bob(session, 0, bytes(64, 7)), 8s);
    c.h.inject(delivery_to_bob(session, 9'000'000'000'000'000'000ULL, bytes(64, 7)), 9s);
    c.h.run(10s);
    CAPTURE(first);
    CHECK(c.shown("bob") == std::vector<std::string>{"hi"});
    if (first) {
      CHECK(c.h.count("bob", "MacInvalid") == 2);
      CHECK(c.h.count("bob", "ReplayRefused") == 0);
      CHECK(c.h.sent(kind::receipt).size() == receipts); // nothing signed for it
    } else {
      CHECK(c.h.count("bob", "ReplayRefused") == 1);
      CHECK(c.h.count("bob", "GapRefused") == 1);
      CHECK(c.h.sent(kind::receipt).size() == receipts + 1); // signed before the MAC
    }
  }
}

TEST_CASE("a huge authenticated gap costs what a small one does", "[messaging][core][order]") {
  chat c(unchecked_links(true));
  c.h.run(2s);
  // A session of alice's own (her key signs the wrap) with a valid MAC.
  auto gen = crypto::rng::deterministic(5, "test");
  bytes session(session_id_size, 3), key = gen.generate(crypto::cbc_hmac_key_size);
  envelope e;
  e.h = header{"+1", "+2", session, 9'000'000'000'000'000'000ULL};
  e.wrapped_key = c.h.long_term_key("bob").public_key().encrypt(gen, key).value();
  e.wrap_signature =
    c.h.long_term_key("alice").sign(gen, wrap_statement(e.h, e.wrapped_key).value());
  e.body =
    crypto::cbc_hmac_seal(gen, key, byte_view(std::string("far")), encode(e.h).value()).value();
  linked l{"+2", encode(messaging::delivery{"+1", encode(e).value(), {}}).value(), bytes(32, 0)};
  c.h.inject(packet{0, "relay", "bob", kind::deliver, encode(l).value()}, 3s);
  c.h.run();
  CHECK(c.h.count("bob", "SessionOpened") == 1);
  CHECK(c.h.last("bob", "GapRefused").at("missing") == "9000000000000000000");
  CHECK(c.shown("bob").empty());
}

TEST_CASE("eviction notices are runs per session and told with that session's next message",
          "[messaging][codec]") {
  messaging::delivery d{"+1", bytes(10, 1), {{"+1", bytes(session_id_size, 7), 5, 68}}};
  auto dd = decode_delivery(encode(d).value());
  REQUIRE(dd);
  CHECK(dd->evicted.at(0).count == 68);
  d.evicted[0].count = 0; // an empty run
  CHECK_FALSE(decode_delivery(encode(d).value()));
  d.evicted[0] = {"+1", bytes(session_id_size, 7), UINT64_MAX, 2}; // wraps
  CHECK_FALSE(decode_delivery(encode(d).value()));
}

namespace {

/// A registered third sender (+3, carol) for the relay tests.
struct three : chat {
  explicit three(relay_config rc)
    : chat({}, {}, rc) {
    h.dir.add_participant("carol", "x");
    h.dir.add_phone("+3", "carol");
    device_config cc;
    cc.relay = "relay";
    cc.phone = "+3";
    h.add("carol", std::make_unique<device>(cc, h.long_term_key("carol"), h.dir));
    h.command("carol", {"register", {}}, 0s);
  }
};

} // namespace

TEST_CASE("a full queue evicts the oldest message of the sender holding the most",
          "[messaging][core][queue]") {
  for (bool fair : {true, false}) {
    relay_config rc;
    rc.fair_eviction = fair;
    three c(rc);
    c.h.set_reachable("bob", false, 3s);
    c.send("from alice", "1", 5s);
    c.h.command("carol", {"send", {{"to", "bob"}, {"text", "spam"}, {"count", "3"}}}, 6s);
    c.h.set_reachable("bob", true, 30s);
    c.h.run();
    CAPTURE(fair);
    CHECK(c.h.count("relay", "QueueEvicted") == 2);
    auto shown = c.shown("bob");
    bool alice_shown = std::find(shown.begin(), shown.end(), "from alice") != shown.end();
    CHECK(alice_shown == fair);
    CHECK(c.h.count("bob", "GapRefused") == 0); // each gap explained by its session's notice
  }
}

TEST_CASE("the relay's state is bounded while the recipient is online too",
          "[messaging][core][queue]") {
  relay_config rc;
  rc.mailbox_limit = 3;
  chat c({}, {}, rc);
  c.h.on_wire = [](packet& p) { return p.kind != kind::receipt; }; // bob's receipts never arrive
  c.send("m", "6", 5s);
  c.h.run();
  CHECK(c.h.count("relay", "MailboxFull") == 3);
  CHECK(c.h.count("alice", "SendRefused") == 3);
  CHECK(c.h.core("relay").observe().numbers.at("held") == 3);

  // Answers to resends are kept for messages held and each sender's latest.
  chat d;
  d.send("m", "5", 5s);
  d.h.run();
  CHECK(d.shown("bob").size() == 5);
  CHECK(d.h.core("relay").observe().numbers.at("answers") == 1);
}

namespace {

packet enrolment_for(const std::string& phone, std::uint8_t n, const crypto::rsa_private_key& k) {
  auto r = crypto::rng::deterministic(n, "sign");
  auto payload = encode(enrolment{phone, k.public_key().to_der(), bytes(nonce_size, n)}).value();
  return packet{0, "mallory", "relay", kind::enrol,
                encode(signed_blob{payload, k.sign(r, payload)}).value()};
}

packet guess_for(const std::string& phone, std::uint8_t n, const crypto::rsa_public_key& relay) {
  auto r = crypto::rng::deterministic(n, "seal");
  confirmation c{phone, "000000", bytes(nonce_size, n), bytes(link_key_size, n)};
  return packet{0, "mallory", "relay", kind::confirm,
                crypto::seal(r, relay, encode(c).value(), kind::confirm).value()};
}

/// Events `name` at the relay about phone +9.
std::size_t for_nine(const test::core_harness& h, const std::string& name) {
  std::size_t n = 0;
  for (const auto& [who, e] : h.events())
    if (who == "relay" && e.name == name)
      for (const auto& [k, v] : e.details)
        n += k == "phone" && v == "+9" ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("registration: codes per phone are rate limited, guesses budgeted, pending kept",
          "[messaging][core][registration]") {
  auto gen = crypto::rng::deterministic(3, "other");
  auto other = crypto::rsa_private_key::generate(gen);
  SECTION("a pending enrolment is never displaced") {
    chat c;
    for (std::uint8_t n = 1; n <= 5; ++n)
      c.h.inject(enrolment_for("+9", n, other), std::chrono::milliseconds(500 + n));
    c.h.run();
    CHECK(for_nine(c.h, "CodeSent") == 4);
    CHECK(for_nine(c.h, "EnrolmentRejected") == 1); // 4 pending at most, none displaced
    CHECK(c.h.last("relay", "EnrolmentRejected").at("reason") == "too-many-pending");
  }
  SECTION("a pending enrolment whose code was guessed wrong code_attempts times makes room") {
    relay_config rc;
    rc.code_issue_limit = 0; // the sixth is refused for room, not for the rate
    chat c({}, {}, rc);
    auto relay_key = c.h.long_term_key("relay").public_key();
    for (std::uint8_t n = 1; n <= 4; ++n)
      c.h.inject(enrolment_for("+9", n, other), std::chrono::milliseconds(500 + n));
    for (int g = 0; g < 3; ++g) // enrolment 1's code is dead after three wrong guesses
      c.h.inject(guess_for("+9", 1, relay_key), std::chrono::milliseconds(600 + g));
    c.h.inject(enrolment_for("+9", 5, other), 1s);
    c.h.inject(enrolment_for("+9", 6, other), 1100ms); // four live again: refused
    c.h.run();
    CHECK(for_nine(c.h, "CodeSent") == 5);
    CHECK(for_nine(c.h, "EnrolmentRejected") == 1);
    CHECK(c.h.last("relay", "EnrolmentRejected").at("reason") == "too-many-pending");
  }
  SECTION("at most code_issue_limit codes per window") {
    relay_config rc;
    rc.code.lifetime = 1s; // expired enrolments make room
    chat c({}, {}, rc);
    for (std::uint8_t n = 1; n <= 7; ++n)
      c.h.inject(enrolment_for("+9", n, other), std::chrono::seconds(2 * n));
    c.h.run();
    CHECK(for_nine(c.h, "CodeSent") == 5);
    CHECK(for_nine(c.h, "CodeRateLimited") == 2);
  }
  SECTION("a budget of wrong codes across enrolments locks the phone") {
    relay_config rc;
    rc.code.lifetime = 1s;
    rc.code_issue_limit = 0;
    rc.code_failure_budget = 4;
    chat c({}, {}, rc);
    auto relay_key = c.h.long_term_key("relay").public_key();
    for (std::uint8_t n = 1; n <= 6; ++n) {
      c.h.inject(enrolment_for("+9", n, other), std::chrono::seconds(2 * n));
      c.h.inject(guess_for("+9", n, relay_key), std::chrono::seconds(2 * n) + 100ms);
    }
    c.h.run();
    CHECK(for_nine(c.h, "PhoneLocked") == 1);
    CHECK(c.h.last("relay", "PhoneLocked").at("failures") == "4");
    CHECK(for_nine(c.h, "EnrolmentRejected") == 2); // the 5th and 6th
    CHECK(c.h.last("relay", "EnrolmentRejected").at("reason") == "phone-locked");
  }
}

TEST_CASE("queue_bound judges from the scenario's limits and the eviction policy",
          "[messaging][invariants]") {
  auto held = [](const char* msg, const char* from, const char* n, const char* offline = "true",
                 const char* limit = "2") {
    return event_record("relay", "MessageHeld",
                        {{"msg", msg},
                         {"from", from},
                         {"for", "+2"},
                         {"held", n},
                         {"offline", offline},
                         {"limit", limit}});
  };
  auto evicted = [](const char* msg) {
    return event_record("relay", "QueueEvicted", {{"msg", msg}, {"for", "+2"}});
  };
  const auto inv = test::invariant_named(invariants(), "queue_bound");
  std::map<std::string, observation> none, initial;
  initial["relay"].numbers = {{"queue_limit", 2}, {"mailbox_limit", 4}};
  auto with_initial = [&](const std::vector<trace_record>& recs) {
    return inv.check(run_facts{recs, initial, none}).held; // bob online
  };
  // A relay that says its limit is 5 is held to the scenario's 2.
  std::vector<trace_record> lying = {held("a", "+1", "1", "true", "5"),
                                     held("b", "+1", "2", "true", "5"),
                                     held("c", "+1", "3", "true", "5")};
  CHECK(check_offline("queue_bound", lying).held);
  CHECK_FALSE(check_offline("queue_bound", lying, 2, 4).held);
  // Online: at most mailbox_limit.
  std::vector<trace_record> online;
  for (auto m : {"a", "b", "c", "d", "e"})
    online.push_back(held(m, "+1", "", "false"));
  CHECK(check("queue_bound", online).held);
  CHECK_FALSE(with_initial(online));
  // An eviction takes the oldest of the sender holding the most...
  std::vector<trace_record> unfair = {held("a", "+1", "1"), held("b", "+3", "2"),
                                      held("c", "+3", "3"), evicted("a")};
  CHECK(check_offline("queue_bound", unfair).held == false);
  unfair.back() = evicted("b");
  CHECK(check_offline("queue_bound", unfair).held);
  // ...and only from a queue over its limit.
  std::vector<trace_record> early = {held("a", "+1", "1"), evicted("a")};
  CHECK_FALSE(check_offline("queue_bound", early).held);
}

TEST_CASE("receipts_truthful holds a relay's passed-on receipt to what was shown",
          "[messaging][invariants]") {
  auto shown = event_record("bob", "MessageShown", {{"from", "alice"}, {"msg", "m1"}});
  auto passed = [](const char* msg) {
    return event_record("relay", "MessageDelivered", {{"msg", msg}, {"to", "+2"}});
  };
  CHECK(check("receipts_truthful", {shown, passed("m1")}).held);
  CHECK_FALSE(check("receipts_truthful", {shown, passed("m2")}).held);
}

TEST_CASE("the relay refuses a replayed old send, and still answers a resend of the latest",
          "[messaging][core][replay]") {
  for (bool check : {true, false}) {
    relay_config rc;
    rc.check_replays = check;
    chat c({}, {}, rc);
    c.h.set_reachable("bob", false, 15s);
    c.send("old", "2", 5s);
    c.send("new", "1", 20s);
    c.h.set_reachable("bob", true, 60s);
    c.h.run(24s);
    auto sends = c.h.sent(kind::send);
    REQUIRE(sends.size() == 3);
    c.h.inject(sends[0], 25s); // answers forgotten: both were shown and are not alice's latest
    c.h.inject(sends[1], 26s);
    if (check)
      c.h.inject(sends[2], 27s); // alice's latest: its answer is kept for a resend
    c.h.run();
    CAPTURE(check);
    CHECK(c.h.count("relay", "ReplayRejected") == (check ? 2u : 0u));
    if (check)
      CHECK(c.h.last("relay", "ReplayRejected").at("reason") == "old-message");
    CHECK(c.h.count("relay", "MessageHeld") == (check ? 3u : 5u));
    // Every copy is answered: the latest with its stored answer, the old ones refused.
    CHECK(c.h.sent(kind::accepted).size() == (check ? 6u : 5u));
    auto shown = c.shown("bob");
    bool new_shown = std::find(shown.begin(), shown.end(), "new") != shown.end();
    CHECK(new_shown == check); // unchecked, the copies evict alice's oldest: "new"
    CHECK(c.h.core("relay").observe().numbers.at("sessions") == 1);
  }
}

namespace {

/// `three` and a fourth registered sender (+4, dave).
struct four : three {
  explicit four(relay_config rc)
    : three(rc) {
    h.dir.add_participant("dave", "x");
    h.dir.add_phone("+4", "dave");
    device_config dc;
    dc.relay = "relay";
    dc.phone = "+4";
    h.add("dave", std::make_unique<device>(dc, h.long_term_key("dave"), h.dir));
    h.command("dave", {"register", {}}, 0s);
  }
  void from(const std::string& who, const std::string& text, sim_time at) {
    h.command(who, {"send", {{"to", "bob"}, {"text", text}, {"count", "1"}}}, at);
  }
};

} // namespace

TEST_CASE("a tie evicts from the sender whose latest came last, and bob is told",
          "[messaging][core][queue]") {
  for (bool fair : {true, false}) {
    relay_config rc;
    rc.fair_eviction = fair;
    four c(rc);
    c.h.set_reachable("bob", false, 3s);
    c.from("alice", "from alice", 5s);
    c.from("carol", "from carol", 6s);
    c.from("dave", "from dave", 7s); // every sender holds one: dave's came last
    c.h.set_reachable("bob", true, 30s);
    c.h.run();
    CAPTURE(fair);
    REQUIRE(c.h.count("relay", "QueueEvicted") == 1);
    CHECK(c.h.last("relay", "QueueEvicted").at("from") == (fair ? "+4" : "+1"));
    auto shown = c.shown("bob");
    CHECK(shown == (fair ? std::vector<std::string>{"from alice", "from carol"}
                         : std::vector<std::string>{"from carol", "from dave"}));
    // The loss is told with the next delivery of any message, once.
    REQUIRE(c.h.count("bob", "EvictionNoticed") == 1);
    CHECK(c.h.last("bob", "EvictionNoticed").at("from") == (fair ? "dave" : "alice"));
    CHECK(c.h.count("bob", "GapRefused") == 0);
  }
}

TEST_CASE("eviction notices are bounded per recipient", "[messaging][core][queue]") {
  for (std::int64_t limit : {2, 0}) {
    relay_config rc;
    rc.queue_limit = 1;
    rc.notice_limit = limit;
    four c(rc);
    c.h.set_reachable("bob", false, 3s);
    c.send("a", "2", 5s);              // alice's first is evicted: one run
    c.from("carol", "from carol", 8s); // a tie each time: the newcomer's is evicted
    c.from("dave", "from dave", 9s);
    c.h.run(20s);
    CAPTURE(limit);
    auto obs = c.h.core("relay").observe();
    CHECK(obs.numbers.at("notices") == (limit ? 2 : 3));
    CHECK(obs.numbers.at("notices.+2") == (limit ? 2 : 3));
    CHECK(c.h.count("relay", "NoticeDropped") == (limit ? 1u : 0u));
    if (limit) // of the sender with the most runs; on a tie, whose came last
      CHECK(c.h.last("relay", "NoticeDropped").at("from") == "+4");
  }
}

TEST_CASE("mailbox_limit counts each sender apart", "[messaging][core][queue]") {
  for (bool per_sender : {true, false}) {
    relay_config rc;
    rc.mailbox_limit = 3;
    rc.mailbox_per_sender = per_sender;
    three c(rc);
    c.h.on_wire = [](packet& p) { return p.kind != kind::receipt; }; // bob's inbox never moves
    c.send("m", "5", 5s);
    c.h.command("carol", {"send", {{"to", "bob"}, {"text", "hi"}, {"count", "1"}}}, 30s);
    c.h.run();
    CAPTURE(per_sender);
    CHECK(c.h.count("alice", "SendRefused") == 2);
    CHECK(c.h.count("carol", "SendRefused") == (per_sender ? 0u : 1u));
    CHECK(c.h.core("relay").observe().numbers.at("held") == (per_sender ? 4 : 3));
  }
}

TEST_CASE("a phone locked by wrong codes is unlocked after code_lock_time",
          "[messaging][core][registration]") {
  auto gen = crypto::rng::deterministic(3, "other");
  auto other = crypto::rsa_private_key::generate(gen);
  relay_config rc;
  rc.code.lifetime = 1s;
  rc.code_issue_limit = 0;
  rc.code_failure_budget = 2;
  rc.code_lock_time = 1h;
  chat c({}, {}, rc);
  auto relay_key = c.h.long_term_key("relay").public_key();
  for (std::uint8_t n = 1; n <= 2; ++n) {
    c.h.inject(enrolment_for("+9", n, other), std::chrono::seconds(2 * n));
    c.h.inject(guess_for("+9", n, relay_key), std::chrono::seconds(2 * n) + 100ms);
  }
  c.h.inject(enrolment_for("+9", 3, other), 30min); // locked
  c.h.inject(enrolment_for("+9", 4, other), 61min); // the lock has lifted
  c.h.inject(guess_for("+9", 4, relay_key), 61min + 100ms);
  c.h.run(2h);
  CHECK(for_nine(c.h, "PhoneLocked") == 1);
  CHECK(c.h.last("relay", "PhoneLocked").at("for") == "1h");
  CHECK(for_nine(c.h, "EnrolmentRejected") == 1);
  CHECK(for_nine(c.h, "PhoneUnlocked") == 1);
  CHECK(for_nine(c.h, "CodeSent") == 3);
  // The budget starts again: one wrong code after the lock does not lock it.
  CHECK(for_nine(c.h, "CodeRejected") == 3);
  CHECK(c.h.last("relay", "CodeRejected").at("reason") == "wrong");
}

TEST_CASE("queue_bound: ties, replays, per-sender mailboxes and notices",
          "[messaging][invariants]") {
  auto held = [](const char* msg, const char* from, const char* offline = "true") {
    return event_record("relay", "MessageHeld",
                        {{"msg", msg},
                         {"from", from},
                         {"for", "+2"},
                         {"held", ""},
                         {"offline", offline},
                         {"limit", "2"}});
  };
  auto evicted = [](const char* msg) {
    return event_record("relay", "QueueEvicted", {{"msg", msg}, {"for", "+2"}});
  };
  auto delivered = [](const char* msg) {
    return event_record("relay", "MessageDelivered", {{"msg", msg}, {"to", "+2"}});
  };
  const auto inv = test::invariant_named(invariants(), "queue_bound");
  std::map<std::string, observation> none, initial;
  initial["relay"].numbers = {{"queue_limit", 2}, {"mailbox_limit", 2}, {"notice_limit", 4}};
  auto holds = [&](const std::vector<trace_record>& recs,
                   const std::map<std::string, observation>& final_obs = {}) {
    return inv.check(run_facts{recs, initial, final_obs}).held;
  };
  // A tie goes against the sender whose latest message came last (M4 took the oldest).
  std::vector<trace_record> tie = {held("a", "+1"), held("b", "+3"), held("c", "+4"), evicted("a")};
  CHECK_FALSE(holds(tie));
  tie.back() = evicted("c");
  CHECK(holds(tie));
  // A message held a second time is a replay that took room.
  std::vector<trace_record> replay = {held("a", "+1"), delivered("a"), held("a", "+1")};
  CHECK_FALSE(holds(replay));
  CHECK(holds({held("a", "+1"), delivered("a"), held("b", "+1")}));
  // Online, mailbox_limit counts each sender apart.
  std::vector<trace_record> two_senders = {held("a", "+1", "false"), held("b", "+1", "false"),
                                           held("c", "+3", "false")};
  CHECK(holds(two_senders));
  two_senders.push_back(held("d", "+1", "false"));
  CHECK_FALSE(holds(two_senders));
  // At the end, at most notice_limit eviction notices per recipient.
  observation end;
  end.numbers["notices.+2"] = 4;
  CHECK(holds({}, {{"relay", end}}));
  end.numbers["notices.+2"] = 5;
  CHECK_FALSE(holds({}, {{"relay", end}}));
}
