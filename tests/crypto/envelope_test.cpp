#include <catch2/catch.hpp>

#include "crypto/envelope.hpp"
#include "tests/support/keys.hpp"

using namespace protobed::crypto;
using protobed::test::rsa_key_a;
using protobed::test::rsa_key_b;

TEST_CASE("an envelope opens with the recipient's key and the same AD", "[crypto][envelope]") {
  auto r = rng::deterministic(1, "env");
  auto env = seal(r, rsa_key_a().public_key(), "card=4111", "to=bank");
  REQUIRE(env);
  auto pt = open(r, rsa_key_a(), *env, "to=bank");
  REQUIRE(pt);
  CHECK(*pt == bytes{'c', 'a', 'r', 'd', '=', '4', '1', '1', '1'});
  CHECK(open(r, rsa_key_b(), *env, "to=bank").error().code == errc::decrypt_failed);
  CHECK(open(r, rsa_key_a(), *env, "to=shop").error().code == errc::auth_failed);
}

TEST_CASE("envelopes of the same plaintext differ (fresh key and IV)", "[crypto][envelope]") {
  auto r = rng::deterministic(2, "env");
  CHECK(*seal(r, rsa_key_a().public_key(), "x") != *seal(r, rsa_key_a().public_key(), "x"));
}

TEST_CASE("every single-byte tamper of an envelope is rejected", "[crypto][envelope]") {
  auto r = rng::deterministic(3, "env");
  auto env = *seal(r, rsa_key_a().public_key(), "amount=25;tid=abc", "ad");
  for (std::size_t i = 0; i < env.size(); ++i) {
    auto t = env;
    t[i] ^= 0x01;
    INFO("byte " << i);
    CHECK_FALSE(open(r, rsa_key_a(), t, "ad"));
  }
}

TEST_CASE("truncated and extended envelopes are rejected", "[crypto][envelope]") {
  auto r = rng::deterministic(4, "env");
  auto env = *seal(r, rsa_key_a().public_key(), "payload");
  for (std::size_t n = 0; n < env.size(); n += 7)
    CHECK_FALSE(open(r, rsa_key_a(), byte_view(env).sub(0, n)));
  env.push_back(0);
  CHECK(open(r, rsa_key_a(), env).error().code == errc::trailing_bytes);
}
