// The e-commerce schemas against real packets: an observer holding every key
// reads every field, and a message built from those fields reads back the
// same; one holding nothing reads only what travels in clear.
#include <catch2/catch.hpp>

#include "actors/ecommerce/otp_sms.hpp"
#include "actors/ecommerce/schemas.hpp"
#include "tests/actors/ecommerce_world.hpp"

using namespace protobed;
using namespace protobed::ecommerce;
using protobed::test::ecommerce_world;

namespace {

/// One purchase where the bank's first answer to the merchant is lost, so
/// every kind crosses the wire (both resolutions included).
std::vector<packet> every_kind(ecommerce_world& w) {
  w.build();
  bool dropped = false;
  w.h.on_wire = [&](packet& p) {
    if (p.kind == kind::bank_reply && !dropped)
      return !(dropped = true);
    return true;
  };
  w.buy();
  w.h.run();
  std::vector<packet> out;
  for (const auto& s : schemas()) {
    auto sent = w.h.sent(s.kind);
    if (!sent.empty())
      out.push_back(sent.front());
  }
  return out;
}

bool is_opaque(const std::string& name) {
  return name == "sealed_pm" || name == "statement";
}

} // namespace

TEST_CASE("every e-commerce kind reads fully with every key and rebuilds to the same fields",
          "[ecommerce][schema]") {
  ecommerce_world w;
  auto packets = every_kind(w);
  REQUIRE(packets.size() == schemas().size());
  knowledge all;
  for (auto name : {"bank", "shop", "sms", "mallory"})
    all.private_keys.emplace(name, w.h.long_term_key(name));
  crypto::rng r = crypto::rng::deterministic(9, "schema-test");
  term_store t{all, w.h.dir, r};
  auto list = schemas();
  // The reply key is learned from the setup (sealed for the merchant).
  auto setup = list[2].read(packets[2].bytes, t);
  all.learn_key(*crypto::from_hex(setup.at("reply_key")));
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& s = list[i];
    INFO(s.kind);
    auto fields = s.read(packets[i].bytes, t);
    field_values inputs;
    for (const auto& f : s.fields) {
      if (f.type == "signer")
        inputs[f.name] = "bank";
      else if (f.type == "recipient")
        inputs[f.name] = f.name == "seal_for" ? packets[i].to : "bank";
      else if (fields.count(f.name) && !is_opaque(f.name))
        inputs[f.name] = fields.at(f.name);
    }
    auto built = s.build(inputs, t);
    REQUIRE(built);
    auto again = s.read(*built, t);
    for (const auto& [name, value] : fields)
      if (!is_opaque(name) && name != "tid_statement")
        CHECK(again[name] == value);
  }
}

TEST_CASE("an observer without keys reads only what travels in clear", "[ecommerce][schema]") {
  ecommerce_world w;
  auto packets = every_kind(w);
  knowledge none;
  crypto::rng r = crypto::rng::deterministic(9, "schema-test");
  term_store t{none, w.h.dir, r};
  auto list = schemas();
  for (std::size_t i = 0; i < list.size(); ++i) {
    INFO(list[i].kind);
    auto fields = list[i].read(packets[i].bytes, t);
    for (const auto& [name, value] : fields) {
      const auto* doc = list[i].field(name);
      REQUIRE(doc);
      CHECK(doc->secret.empty()); // no secret ever reads without a key
      bool clear = doc->protection.rfind("clear", 0) == 0 || name == "sealed_pm";
      CHECK(clear);
    }
  }
  // The tid is in clear in the merchant's claim and in the bank's answers.
  CHECK(list[5].read(packets[5].bytes, t).count("claim.tid") == 1);
}

TEST_CASE("building needs the signer's private key and names it when missing",
          "[ecommerce][schema]") {
  ecommerce_world w;
  w.build();
  knowledge none;
  crypto::rng r = crypto::rng::deterministic(9, "schema-test");
  term_store t{none, w.h.dir, r};
  auto list = schemas();
  field_values f = {
    {"nonce", std::string(32, 'a')}, {"sent", "true"}, {"refusal", ""}, {"sign_with", "bank"}};
  auto built = list[1].build(f, t);
  REQUIRE_FALSE(built);
  CHECK(built.error().detail == "the private key of bank (for sign_with)");
}

TEST_CASE("the OTP SMS has one fixed format and a reference per purchase", "[ecommerce][otp_sms]") {
  auto text = otp_sms_text("bank-040004", "012345", "1a2b3c", std::chrono::minutes(5));
  CHECK(text == "Code 012345 for purchase 1a2b3c at bank-040004. Valid for 5min.");
  auto sms = parse_otp_sms(text);
  REQUIRE(sms);
  CHECK(sms->code == "012345");
  CHECK(sms->reference == "1a2b3c");
  for (auto bad :
       {"Your bank-040004 code is 123456", "Code 12345 for purchase 1a2b3c at b.",
        "Code 0123456 for purchase 1a2b3c at b.", "Code 012345 for purchase 1a2b3z at b.", ""})
    CHECK_FALSE(parse_otp_sms(bad));
  bytes n1(16, 1), n2(16, 2);
  CHECK(purchase_reference(n1).size() == 6);
  CHECK(purchase_reference(n1) == purchase_reference(n1));
  CHECK(purchase_reference(n1) != purchase_reference(n2));
}
