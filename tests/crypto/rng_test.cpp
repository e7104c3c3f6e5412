#include <catch2/catch.hpp>

#include "crypto/rng.hpp"

using namespace protobed::crypto;

TEST_CASE("the DRBG gives the same bytes for the same seed and label", "[crypto][rng]") {
  auto a = rng::deterministic(42, "alice");
  auto b = rng::deterministic(42, "alice");
  CHECK(a.generate(100) == b.generate(100));
  CHECK(a.next_u64() == b.next_u64());
  CHECK(a.uniform(0, 999999) == b.uniform(0, 999999));
  CHECK(a.is_deterministic());
}

TEST_CASE("the DRBG gives independent streams per seed and per label", "[crypto][rng]") {
  auto base = rng::deterministic(42, "alice").generate(32);
  CHECK(rng::deterministic(43, "alice").generate(32) != base);
  CHECK(rng::deterministic(42, "bob").generate(32) != base);
}

TEST_CASE("the DRBG serves requests above its 64 KiB per-call limit", "[crypto][rng]") {
  auto a = rng::deterministic(1, "big");
  auto b = rng::deterministic(1, "big");
  auto big = a.generate(200000);
  CHECK(big == b.generate(200000));
  CHECK(big.size() == 200000);
}

TEST_CASE("OS randomness differs between draws", "[crypto][rng]") {
  auto a = rng::os();
  auto b = rng::os();
  CHECK(a.generate(32) != b.generate(32));
  CHECK_FALSE(a.is_deterministic());
}

TEST_CASE("uniform stays within its bounds and reaches both ends", "[crypto][rng]") {
  auto r = rng::deterministic(5, "uniform");
  bool saw_min = false, saw_max = false;
  for (int i = 0; i < 2000; ++i) {
    auto v = r.uniform(3, 9);
    REQUIRE(v >= 3);
    REQUIRE(v <= 9);
    saw_min = saw_min || v == 3;
    saw_max = saw_max || v == 9;
  }
  CHECK(saw_min);
  CHECK(saw_max);
}
