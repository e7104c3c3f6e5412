#include <catch2/catch.hpp>

#include "crypto/counters.hpp"
#include "crypto/rsa.hpp"
#include "tests/support/keys.hpp"

using namespace protobed::crypto;
using protobed::test::rsa_key_a;
using protobed::test::rsa_key_b;

TEST_CASE("RSA keys are 2048 bits with e = 65537 by default", "[crypto][rsa]") {
  const auto& k = rsa_key_a();
  CHECK(k.public_key().bits() == 2048);
  // SubjectPublicKeyInfo DER of an e = 65537 key ends with INTEGER 0x010001.
  auto der = k.public_key().to_der();
  CHECK(to_hex(byte_view(der).sub(der.size() - 5)) == "0203010001");
}

TEST_CASE("RSA keygen is reproducible from a seeded DRBG", "[crypto][rsa]") {
  auto r1 = rng::deterministic(9, "keygen");
  auto r2 = rng::deterministic(9, "keygen");
  auto a = rsa_private_key::generate(r1, 1024);
  auto b = rsa_private_key::generate(r2, 1024);
  CHECK(a.to_der() == b.to_der());
}

TEST_CASE("RSA keys round-trip through DER and PEM", "[crypto][rsa]") {
  const auto& k = rsa_key_a();
  auto pub = rsa_public_key::from_der(k.public_key().to_der());
  REQUIRE(pub);
  CHECK(*pub == k.public_key());
  auto pub_pem = rsa_public_key::from_pem(k.public_key().to_pem());
  REQUIRE(pub_pem);
  CHECK(*pub_pem == k.public_key());
  CHECK(k.public_key().to_pem().rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
  auto priv = rsa_private_key::from_pem(k.to_pem());
  REQUIRE(priv);
  CHECK(priv->to_der() == k.to_der());
  CHECK(k.to_pem().rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
}

TEST_CASE("RSA fingerprints are SHA-256 of the DER and differ per key", "[crypto][rsa]") {
  CHECK(rsa_key_a().public_key().fingerprint().size() == 32);
  CHECK(rsa_key_a().public_key().fingerprint() != rsa_key_b().public_key().fingerprint());
}

TEST_CASE("malformed RSA key encodings are errors, not crashes", "[crypto][rsa]") {
  auto der = rsa_key_a().public_key().to_der();
  CHECK(rsa_public_key::from_der(bytes{}).error().code == errc::invalid_key);
  CHECK_FALSE(rsa_public_key::from_der(byte_view(der).sub(0, der.size() - 1)));
  der.push_back(0);
  CHECK_FALSE(rsa_public_key::from_der(der));
  CHECK_FALSE(rsa_public_key::from_pem("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----"));
  CHECK(rsa_public_key::from_pem("garbage").error().code == errc::malformed);
  CHECK_FALSE(rsa_private_key::from_der(bytes{0x30, 0x03, 0x02, 0x01, 0x00}));
}

TEST_CASE("RSA-OAEP round-trips and only the right key decrypts", "[crypto][rsa]") {
  auto r = rng::deterministic(1, "oaep");
  bytes msg = {'s', 'e', 'c', 'r', 'e', 't'};
  auto ct = rsa_key_a().public_key().encrypt(r, msg);
  REQUIRE(ct);
  CHECK(ct->size() == 256);
  CHECK(*rsa_key_a().decrypt(r, *ct) == msg);
  CHECK(rsa_key_b().decrypt(r, *ct).error().code == errc::decrypt_failed);
  (*ct)[100] ^= 0x01;
  CHECK_FALSE(rsa_key_a().decrypt(r, *ct));
  CHECK_FALSE(rsa_key_a().decrypt(r, byte_view(*ct).sub(1)));
}

TEST_CASE("RSA-OAEP is randomised and bounded", "[crypto][rsa]") {
  auto r = rng::deterministic(1, "oaep2");
  const auto& pub = rsa_key_a().public_key();
  CHECK(*pub.encrypt(r, "x") != *pub.encrypt(r, "x"));
  CHECK(pub.max_plaintext() == 256 - 2 * 32 - 2);
  CHECK(pub.encrypt(r, bytes(pub.max_plaintext(), 1)));
  CHECK(pub.encrypt(r, bytes(pub.max_plaintext() + 1, 1)).error().code == errc::invalid_argument);
}

TEST_CASE("RSA-PSS signatures verify only for the signed message and key", "[crypto][rsa]") {
  auto r = rng::deterministic(1, "pss");
  auto sig = rsa_key_a().sign(r, "pay 25 to shop");
  CHECK(sig.size() == 256);
  CHECK(rsa_key_a().public_key().verify("pay 25 to shop", sig));
  CHECK_FALSE(rsa_key_a().public_key().verify("pay 26 to shop", sig));
  CHECK_FALSE(rsa_key_b().public_key().verify("pay 25 to shop", sig));
  sig[0] ^= 0x80;
  CHECK_FALSE(rsa_key_a().public_key().verify("pay 25 to shop", sig));
  CHECK_FALSE(rsa_key_a().public_key().verify("pay 25 to shop", bytes{}));
}

TEST_CASE("crypto operations are counted, with the CPU time they took", "[crypto][counters]") {
  auto r = rng::deterministic(11, "counters");
  auto before = counted_ops();
  auto key = rsa_private_key::generate(r, 1024);
  auto sig = key.sign(r, "m");
  CHECK(key.public_key().verify("m", sig));
  auto ct = *key.public_key().encrypt(r, "x");
  CHECK(key.decrypt(r, ct));
  auto d = counted_ops() - before;
  CHECK(d.keygens == 1);
  CHECK(d.rsa_private == 2); // sign, decrypt
  CHECK(d.rsa_public == 2);  // verify, encrypt
  CHECK(d.asymmetric_ns > 0);
}
