#include <catch2/catch.hpp>

#include "crypto/counters.hpp"
#include "crypto/hash.hpp"
#include "tests/support/vectors.hpp"

using namespace protobed::crypto;
using protobed::test::load_vectors;

TEST_CASE("HMAC-SHA256 matches RFC 4231 test cases 1-7", "[crypto][hmac][kat]") {
  auto vecs = load_vectors("hmac_sha256_rfc4231.vec");
  REQUIRE(vecs.size() == 7);
  for (const auto& v : vecs) {
    INFO("vector at line " << v.line);
    auto mac = hmac_sha256(v.hex("key"), v.hex("data"));
    auto expected = v.hex("mac");
    CHECK(to_hex(byte_view(mac).sub(0, expected.size())) == to_hex(expected));
    if (expected.size() == mac.size())
      CHECK(hmac_sha256_verify(v.hex("key"), v.hex("data"), expected));
  }
}

TEST_CASE("HMAC verification rejects a changed tag or message", "[crypto][hmac]") {
  bytes key(32, 1);
  auto tag = hmac_sha256(key, "message");
  CHECK(hmac_sha256_verify(key, "message", tag));
  CHECK_FALSE(hmac_sha256_verify(key, "messagf", tag));
  tag[31] ^= 1;
  CHECK_FALSE(hmac_sha256_verify(key, "message", tag));
  CHECK_FALSE(hmac_sha256_verify(key, "message", byte_view(tag).sub(0, 16)));
}

TEST_CASE("HKDF-SHA256 matches RFC 5869 A.1-A.3", "[crypto][hkdf][kat]") {
  auto vecs = load_vectors("hkdf_sha256_rfc5869.vec");
  REQUIRE(vecs.size() == 3);
  for (const auto& v : vecs) {
    INFO("vector at line " << v.line);
    auto okm = hkdf_sha256(v.hex("ikm"), v.hex("salt"), v.hex("info"), v.number("length"));
    REQUIRE(okm);
    CHECK(to_hex(*okm) == v.text("okm"));
  }
}

TEST_CASE("HKDF refuses output lengths outside 1..255*32", "[crypto][hkdf]") {
  CHECK_FALSE(hkdf_sha256("k", "", "", 0));
  CHECK_FALSE(hkdf_sha256("k", "", "", 255 * 32 + 1));
  CHECK(hkdf_sha256("k", "", "", 255 * 32));
}

TEST_CASE("SHA-256 of the empty string is the FIPS 180-4 value", "[crypto][sha256][kat]") {
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hashing and MACs are timed as crypto, except inside an uncounted scope",
          "[crypto][counters]") {
  bytes big(1 << 20, 7);
  auto before = counted_ops();
  for (int i = 0; i < 4; ++i)
    (void)hmac_sha256(big, big); // the MAC's inner hashes are timed once, by the MAC
  auto timed = counted_ops() - before;
  CHECK(timed.symmetric_ns > 0);
  before = counted_ops();
  {
    detail::uncounted_scope framework;
    for (int i = 0; i < 4; ++i)
      (void)sha256(big);
  }
  CHECK((counted_ops() - before).symmetric_ns == 0);
  before = counted_ops();
  (void)sha256(big); // counted again once the scope ends
  CHECK((counted_ops() - before).symmetric_ns > 0);
}
