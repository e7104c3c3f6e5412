// The messaging cores without CAF: the wire formats, registration, a chat,
// the relay's 2-message queue for an offline recipient, and the invariants
// on traces made to break them.
#include <catch2/catch.hpp>

#include "actors/messaging/device.hpp"
#include "actors/messaging/invariants.hpp"
#include "actors/messaging/relay.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/codec.hpp"
#include "tests/support/core_harness.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace protobed::messaging;
using namespace std::chrono_literals;

namespace {

/// relay, sms, alice (+1), bob (+2), both registering at 0.
struct chat {
  test::core_harness h{7};

  explicit chat(device_config bob_cfg = {}) {
    for (auto name : {"relay", "sms", "alice", "bob"})
      h.dir.add_participant(name, "x");
    h.dir.add_phone("+1", "alice");
    h.dir.add_phone("+2", "bob");
    relay_config rc;
    rc.sms = "sms";
    h.add("relay", std::make_unique<relay>(rc, h.long_term_key("relay"), h.dir));
    h.add("sms", std::make_unique<otp_provider>(h.long_term_key("sms"), h.dir));
    device_config a;
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
  CHECK(check("queue_bound", {held("a", "1"), held("b", "2"), held("c", "3"), evicted("a")}).held);
  CHECK_FALSE(check("queue_bound", {held("a", "1"), held("b", "2"), held("c", "3")}).held);
  CHECK_FALSE(
    check("queue_bound", {held("a", "1"), held("b", "2"), held("c", "3"), evicted("b")}).held);
}
