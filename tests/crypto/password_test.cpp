#include <catch2/catch.hpp>

#include "crypto/counters.hpp"
#include "crypto/password.hpp"
#include "tests/support/vectors.hpp"

using namespace protobed::crypto;
using protobed::test::load_vectors;

namespace {
// Cheap parameters for behaviour tests; the default (N = 16384) is for real use.
const scrypt_params fast{1024, 8, 1};
} // namespace

TEST_CASE("scrypt matches RFC 7914 §12 vectors 1-3", "[crypto][scrypt][kat]") {
  auto vecs = load_vectors("scrypt_rfc7914.vec");
  REQUIRE(vecs.size() == 3);
  for (const auto& v : vecs) {
    INFO("vector at line " << v.line);
    scrypt_params p{v.number("N"), static_cast<std::uint32_t>(v.number("r")),
                    static_cast<std::uint32_t>(v.number("p"))};
    auto key = scrypt(v.hex("password"), v.hex("salt"), p, v.number("length"));
    REQUIRE(key);
    CHECK(to_hex(*key) == v.text("key"));
  }
}

TEST_CASE("password hashes are salted and verify only the right password", "[crypto][scrypt]") {
  auto r = rng::deterministic(1, "pw");
  auto a = hash_password(r, "hunter2", fast);
  auto b = hash_password(r, "hunter2", fast);
  REQUIRE(a);
  CHECK(*a != *b); // fresh salt each time
  CHECK(a->rfind("scrypt$1024$8$1$", 0) == 0);
  CHECK(*verify_password("hunter2", *a));
  CHECK_FALSE(*verify_password("hunter3", *a));
  CHECK_FALSE(*verify_password("", *a));
}

TEST_CASE("the default scrypt cost is N=16384, r=8, p=1", "[crypto][scrypt]") {
  scrypt_params d;
  CHECK(d.n == 16384);
  CHECK(d.r == 8);
  CHECK(d.p == 1);
}

TEST_CASE("malformed or hostile stored hashes are errors, never matches", "[crypto][scrypt]") {
  CHECK(verify_password("x", "").error().code == errc::malformed);
  CHECK(verify_password("x", "scrypt$1024$8$1$zz$00").error().code == errc::malformed);
  CHECK(verify_password("x", "bcrypt$1024$8$1$00$00").error().code == errc::malformed);
  // N = 2^30 would need 1 TiB: refused before any work.
  CHECK(verify_password("x", "scrypt$1073741824$8$1$00$00").error().code == errc::invalid_argument);
  CHECK(verify_password("x", "scrypt$1000$8$1$00$00").error().code == errc::invalid_argument);
  auto r = rng::deterministic(2, "pw");
  CHECK(hash_password(r, "x", scrypt_params{3, 8, 1}).error().code == errc::invalid_argument);
}

TEST_CASE("remembered scrypt results are the results, computed once each", "[crypto][scrypt]") {
  auto r = rng::deterministic(3, "pw");
  auto stored = hash_password(r, "hunter2", fast);
  REQUIRE(stored);
  remember_scrypt(2);
  auto before = counted_ops();
  for (int i = 0; i < 3; ++i) {
    CHECK(*verify_password("hunter2", *stored));
    CHECK_FALSE(*verify_password("hunter3", *stored));
  }
  // Two derivations (one per password), the other four remembered.
  CHECK((counted_ops() - before).password_hashes == 2);
  // Full at 2: a third result starts over, bounded.
  CHECK_FALSE(*verify_password("hunter4", *stored));
  CHECK(*verify_password("hunter2", *stored));
  CHECK((counted_ops() - before).password_hashes == 4);
  // The same bytes as a fresh derivation.
  auto salt = bytes{1, 2, 3};
  auto remembered = scrypt(bytes{9}, salt, fast, 32);
  remember_scrypt(0);
  CHECK(*scrypt(bytes{9}, salt, fast, 32) == *remembered);
  before = counted_ops();
  CHECK(*verify_password("hunter2", *stored));
  CHECK(*verify_password("hunter2", *stored));
  CHECK((counted_ops() - before).password_hashes == 2); // off again: each one computed
}
