#include <catch2/catch.hpp>

#include <array>

#include "crypto/otp.hpp"
#include "tests/support/vectors.hpp"

using namespace protobed::crypto;
using namespace std::chrono_literals;
using protobed::test::load_vectors;

TEST_CASE("HOTP matches RFC 4226 Appendix D", "[crypto][otp][kat]") {
  auto vecs = load_vectors("hotp_rfc4226.vec");
  REQUIRE(vecs.size() == 10);
  for (const auto& v : vecs) {
    INFO("counter " << v.text("counter"));
    CHECK(*hotp(v.hex("key"), v.number("counter"), 6) == v.text("otp"));
  }
}

TEST_CASE("TOTP matches RFC 6238 Appendix B for SHA-1, SHA-256, SHA-512", "[crypto][otp][kat]") {
  auto vecs = load_vectors("totp_rfc6238.vec");
  REQUIRE(vecs.size() == 18);
  for (const auto& v : vecs) {
    auto h = v.text("hash") == "sha1"     ? otp_hash::sha1
             : v.text("hash") == "sha256" ? otp_hash::sha256
                                          : otp_hash::sha512;
    INFO(v.text("hash") << " at t=" << v.text("time"));
    CHECK(*totp(v.hex("key"), static_cast<std::int64_t>(v.number("time")), 8, h) == v.text("otp"));
  }
}

TEST_CASE("HOTP and TOTP refuse bad parameters", "[crypto][otp]") {
  CHECK(hotp("k", 0, 5).error().code == errc::invalid_argument);
  CHECK(hotp("k", 0, 10).error().code == errc::invalid_argument);
  CHECK_FALSE(totp("k", 100, 6, otp_hash::sha1, 0));
  CHECK_FALSE(totp("k", -1, 6));
}

TEST_CASE("random OTPs are 6 digits, zero-padded and evenly spread", "[crypto][otp]") {
  auto r = rng::deterministic(7, "otp");
  std::array<int, 10> first_digit{};
  for (int i = 0; i < 20000; ++i) {
    auto code = random_otp(r);
    REQUIRE(code.size() == 6);
    REQUIRE(code.find_first_not_of("0123456789") == std::string::npos);
    ++first_digit[code[0] - '0'];
  }
  // Each leading digit (0 included, so codes are padded) near 2000 of 20000.
  for (int d = 0; d < 10; ++d) {
    INFO("leading digit " << d);
    CHECK(first_digit[d] > 1700);
    CHECK(first_digit[d] < 2300);
  }
}

TEST_CASE("the OTP verifier accepts the code once", "[crypto][otp]") {
  otp_verifier v;
  v.issue("123456", 0s);
  CHECK(v.verify("123456", 10s).ok());
  CHECK(v.verify("123456", 11s).error().code == errc::already_used);
}

TEST_CASE("the OTP verifier counts wrong attempts and then locks", "[crypto][otp]") {
  otp_verifier v(otp_policy{5min, 3});
  v.issue("123456", 0s);
  CHECK(v.verify("000000", 1s).error().code == errc::auth_failed);
  CHECK(v.attempts_left() == 2);
  CHECK(v.verify("000001", 2s).error().code == errc::auth_failed);
  CHECK(v.verify("000002", 3s).error().code == errc::exhausted);
  // Even the right code is refused now.
  CHECK(v.verify("123456", 4s).error().code == errc::exhausted);
}

TEST_CASE("a wrong attempt still leaves the right code usable", "[crypto][otp]") {
  otp_verifier v;
  v.issue("123456", 0s);
  CHECK_FALSE(v.verify("12345", 1s));
  CHECK(v.verify("123456", 2s).ok());
}

TEST_CASE("the OTP verifier expires codes after their lifetime", "[crypto][otp]") {
  otp_verifier v(otp_policy{5min, 3});
  v.issue("123456", 1min);
  CHECK(v.verify("123456", 6min + 1ns).error().code == errc::expired);
  CHECK(v.verify("123456", 6min).error().code == errc::expired);
  otp_verifier w(otp_policy{5min, 3});
  w.issue("123456", 1min);
  CHECK(w.verify("123456", 6min).ok()); // exactly at the lifetime: still valid
}

TEST_CASE("the OTP verifier refuses when nothing was issued, reissue resets", "[crypto][otp]") {
  otp_verifier v;
  CHECK(v.verify("123456", 0s).error().code == errc::not_issued);
  v.issue("111111", 0s);
  CHECK(v.verify("111111", 0s).ok());
  v.issue("222222", 1s);
  CHECK(v.verify("222222", 1s).ok());
}
