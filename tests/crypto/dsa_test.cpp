#include <catch2/catch.hpp>

#include "crypto/signature.hpp"
#include "tests/support/keys.hpp"

using namespace protobed::crypto;
using protobed::test::dsa_key_a;
using protobed::test::dsa_test_params;
using protobed::test::rsa_key_a;

TEST_CASE("DSA-2048/256 signatures are 64-byte r||s and verify", "[crypto][dsa]") {
  auto r = rng::deterministic(1, "dsa");
  auto sig = dsa_key_a().sign(r, "order: 2 widgets");
  CHECK(sig.size() == 64);
  CHECK(dsa_key_a().public_key().verify("order: 2 widgets", sig));
  CHECK_FALSE(dsa_key_a().public_key().verify("order: 3 widgets", sig));
  sig[10] ^= 1;
  CHECK_FALSE(dsa_key_a().public_key().verify("order: 2 widgets", sig));
}

TEST_CASE("DSA keys share parameters and round-trip through DER", "[crypto][dsa]") {
  auto r = rng::deterministic(2, "dsa");
  auto other = dsa_private_key::generate(r, dsa_test_params());
  CHECK_FALSE(other.public_key() == dsa_key_a().public_key());
  auto pub = dsa_public_key::from_der(dsa_key_a().public_key().to_der());
  REQUIRE(pub);
  CHECK(*pub == dsa_key_a().public_key());
  auto priv = dsa_private_key::from_der(dsa_key_a().to_der());
  REQUIRE(priv);
  CHECK(priv->public_key() == dsa_key_a().public_key());
  auto params = dsa_params::from_der(dsa_test_params().to_der());
  REQUIRE(params);
  CHECK(params->to_der() == dsa_test_params().to_der());
  auto sig = other.sign(r, "m");
  CHECK_FALSE(dsa_key_a().public_key().verify("m", sig));
}

TEST_CASE("malformed DSA encodings are errors", "[crypto][dsa]") {
  CHECK(dsa_public_key::from_der(bytes{1, 2, 3}).error().code == errc::invalid_key);
  CHECK_FALSE(dsa_private_key::from_der(bytes{}));
  CHECK_FALSE(dsa_params::from_der(bytes{0x30, 0x00}));
  // An RSA key is not a DSA key.
  CHECK_FALSE(dsa_public_key::from_der(rsa_key_a().public_key().to_der()));
}

TEST_CASE("a signature scheme is chosen per use and both schemes work", "[crypto][signature]") {
  auto r = rng::deterministic(3, "scheme");
  for (auto scheme : {signature_scheme::rsa_pss, signature_scheme::dsa}) {
    signing_key key =
      scheme == signature_scheme::rsa_pss ? signing_key(rsa_key_a()) : signing_key(dsa_key_a());
    INFO(to_string(scheme));
    CHECK(key.scheme() == scheme);
    auto sig = key.sign(r, "po#17");
    auto pub = verifying_key::from_der(scheme, key.public_key().to_der());
    REQUIRE(pub);
    CHECK(pub->verify("po#17", sig));
    CHECK_FALSE(pub->verify("po#18", sig));
    CHECK(pub->fingerprint() == key.public_key().fingerprint());
  }
  CHECK(parse_signature_scheme("dsa") == signature_scheme::dsa);
  CHECK(parse_signature_scheme("rsa_pss") == signature_scheme::rsa_pss);
  CHECK_FALSE(parse_signature_scheme("rsa"));
}

TEST_CASE("a key decoded under the wrong scheme is rejected", "[crypto][signature]") {
  CHECK_FALSE(verifying_key::from_der(signature_scheme::dsa, rsa_key_a().public_key().to_der()));
  CHECK_FALSE(
    verifying_key::from_der(signature_scheme::rsa_pss, dsa_key_a().public_key().to_der()));
}
