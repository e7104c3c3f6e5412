#include <catch2/catch.hpp>

#include "crypto/kex.hpp"
#include "tests/support/vectors.hpp"

using namespace protobed::crypto;
using protobed::test::load_vectors;

TEST_CASE("X25519 matches RFC 7748 §5.2 and §6.1", "[crypto][x25519][kat]") {
  auto vecs = load_vectors("x25519_rfc7748.vec");
  REQUIRE(vecs.size() == 3);
  for (const auto& v : vecs) {
    INFO("vector at line " << v.line);
    if (v.has("scalar")) {
      auto out = x25519_shared(v.hex("scalar"), v.hex("u"));
      REQUIRE(out);
      CHECK(to_hex(*out) == v.text("out"));
      continue;
    }
    auto alice = x25519_keypair::from_private(v.hex("alice_private"));
    auto bob = x25519_keypair::from_private(v.hex("bob_private"));
    CHECK(to_hex(alice->public_key) == v.text("alice_public"));
    CHECK(to_hex(bob->public_key) == v.text("bob_public"));
    CHECK(to_hex(*x25519_shared(v.hex("alice_private"), v.hex("bob_public"))) == v.text("shared"));
    CHECK(to_hex(*x25519_shared(v.hex("bob_private"), v.hex("alice_public"))) == v.text("shared"));
  }
}

TEST_CASE("two fresh X25519 key pairs derive the same channel key", "[crypto][x25519]") {
  auto r = rng::deterministic(1, "kex");
  auto a = x25519_keypair::generate(r);
  auto b = x25519_keypair::generate(r);
  auto ka = x25519_derive(a.private_key, b.public_key, "salt", "protobed channel", 64);
  auto kb = x25519_derive(b.private_key, a.public_key, "salt", "protobed channel", 64);
  REQUIRE(ka);
  CHECK(*ka == *kb);
  CHECK(*ka != *x25519_derive(a.private_key, b.public_key, "salt", "other label", 64));
}

TEST_CASE("X25519 refuses small-order peer keys and wrong sizes", "[crypto][x25519]") {
  auto r = rng::deterministic(2, "kex");
  auto a = x25519_keypair::generate(r);
  CHECK(x25519_shared(a.private_key, bytes(32, 0)).error().code == errc::invalid_key);
  bytes one(32, 0);
  one[0] = 1;
  CHECK_FALSE(x25519_shared(a.private_key, one));
  CHECK(x25519_shared(a.private_key, bytes(31, 9)).error().code == errc::invalid_argument);
}
