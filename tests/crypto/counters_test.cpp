// crypto/counters: every kind of cryptography is counted and timed, nested
// operations once, and nothing at all while counting is off.
#include <catch2/catch.hpp>

#include "crypto/counters.hpp"
#include "crypto/envelope.hpp"
#include "crypto/kex.hpp"
#include "crypto/password.hpp"
#include "crypto/rsa.hpp"
#include "tests/support/keys.hpp"

using namespace protobed::crypto;

TEST_CASE("parsing and validating keys, X25519 and scrypt are timed as crypto",
          "[crypto][counters]") {
  auto r = rng::deterministic(3, "counters");
  auto der = protobed::test::rsa_key_a().public_key().to_der();
  auto before = counted_ops();
  REQUIRE(rsa_public_key::from_der(der));
  auto kp = x25519_keypair::generate(r);
  REQUIRE(x25519_shared(kp.private_key, kp.public_key));
  REQUIRE(scrypt(bytes{1, 2}, bytes{3, 4}, {1024, 8, 1}, 32));
  auto d = counted_ops() - before;
  CHECK(d.key_loads == 1);
  CHECK(d.key_exchanges == 2);
  CHECK(d.password_hashes == 1);
  CHECK(d.key_ns > 0);
  CHECK(d.password_ns > 0);
  CHECK(d.crypto_ns() == d.asymmetric_ns + d.symmetric_ns + d.key_ns + d.password_ns);
}

TEST_CASE("random bytes are timed, and inside an operation only by the outer scope",
          "[crypto][counters]") {
  auto r = rng::deterministic(4, "counters");
  const auto& key = protobed::test::rsa_key_a(); // made (or not) before counting
  auto before = counted_ops();
  (void)r.generate(1 << 16);
  auto d = counted_ops() - before;
  CHECK(d.symmetric_ns > 0);
  CHECK(d.wall_clock_scopes == 1);
  // An envelope: the RSA wrap (one CPU-clock scope) and the GCM seal with its
  // random IV and key (one wall-clock scope each, the IV nested in the seal).
  before = counted_ops();
  REQUIRE(seal(r, key.public_key(), bytes(100, 1), bytes{}));
  d = counted_ops() - before;
  CHECK(d.rsa_public == 1);
  CHECK(d.cpu_clock_scopes == 1);
  CHECK(d.wall_clock_scopes >= 1);
  CHECK(d.wall_clock_scopes <= 3);
}

TEST_CASE("with counting off nothing is counted or timed", "[crypto][counters]") {
  auto r = rng::deterministic(5, "counters");
  const auto& key = protobed::test::rsa_key_a();
  set_counting(false);
  auto before = counted_ops();
  auto sig = key.sign(r, "m");
  (void)key.public_key().verify("m", sig);
  (void)r.generate(64);
  auto d = counted_ops() - before;
  set_counting(true);
  CHECK(d.rsa_private == 0);
  CHECK(d.rsa_public == 0);
  CHECK(d.crypto_ns() == 0);
  CHECK(d.cpu_clock_scopes + d.wall_clock_scopes == 0);
  CHECK(counting());
}
