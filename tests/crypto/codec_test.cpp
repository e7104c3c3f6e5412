#include <catch2/catch.hpp>

#include "crypto/codec.hpp"

using namespace protobed::crypto;

namespace {

bytes sample() {
  writer w;
  w.u8(7)
    .u16(0x1234)
    .u32(0xdeadbeef)
    .u64(1ull << 40)
    .i64(-5)
    .boolean(true)
    .str("alice")
    .field(bytes{1, 2, 3});
  return *std::move(w).finish();
}

} // namespace

TEST_CASE("codec round-trips every field type in order", "[crypto][codec]") {
  auto enc = sample();
  reader r(enc);
  CHECK(r.u8() == 7);
  CHECK(r.u16() == 0x1234);
  CHECK(r.u32() == 0xdeadbeef);
  CHECK(r.u64() == 1ull << 40);
  CHECK(r.i64() == -5);
  CHECK(r.boolean());
  CHECK(r.str() == "alice");
  CHECK(r.field() == bytes{1, 2, 3});
  CHECK(r.finish().ok());
}

TEST_CASE("codec integers are big-endian and fields length-prefixed", "[crypto][codec]") {
  writer w;
  w.u16(0x0102).str("ab");
  CHECK(to_hex(*std::move(w).finish()) == "0102000000026162");
}

TEST_CASE("codec reports every truncation of a message as an error", "[crypto][codec]") {
  auto enc = sample();
  for (std::size_t n = 0; n < enc.size(); ++n) {
    reader r(byte_view{enc.data(), n});
    r.u8(), r.u16(), r.u32(), r.u64(), r.i64(), r.boolean(), r.str(), r.field();
    auto st = r.finish();
    INFO("prefix length " << n);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == errc::truncated);
  }
}

TEST_CASE("codec rejects trailing bytes", "[crypto][codec]") {
  auto enc = sample();
  enc.push_back(0);
  reader r(enc);
  r.u8(), r.u16(), r.u32(), r.u64(), r.i64(), r.boolean(), r.str(), r.field();
  CHECK(r.finish().error().code == errc::trailing_bytes);
}

TEST_CASE("codec rejects a field longer than its bound without reading it", "[crypto][codec]") {
  writer w;
  w.field(bytes(100, 0xaa));
  auto enc = *std::move(w).finish();
  reader r(enc);
  CHECK(r.field(99).empty());
  CHECK(r.finish().error().code == errc::oversized);
}

TEST_CASE("codec rejects a length prefix that claims more than the input", "[crypto][codec]") {
  bytes enc = {0xff, 0xff, 0xff, 0xff, 1, 2, 3};
  reader r(enc);
  r.field();
  CHECK(r.finish().error().code == errc::oversized);
  bytes enc2 = {0x00, 0x00, 0x00, 0x09, 1, 2, 3};
  reader r2(enc2);
  r2.field();
  CHECK(r2.finish().error().code == errc::truncated);
}

TEST_CASE("codec refuses messages over the maximum size", "[crypto][codec]") {
  bytes big(max_message_size + 1);
  reader r(big);
  CHECK(r.finish().error().code == errc::oversized);
  writer w;
  w.field(big);
  auto res = std::move(w).finish();
  REQUIRE_FALSE(res);
  CHECK(res.error().code == errc::oversized);
}

TEST_CASE("codec keeps the first error and zeroes later reads", "[crypto][codec]") {
  bytes enc = {0x00};
  reader r(enc);
  CHECK(r.u32() == 0);
  CHECK(r.u8() == 0); // would succeed alone; the error is sticky
  CHECK(r.finish().error().code == errc::truncated);
}

TEST_CASE("codec rejects a boolean byte other than 0 or 1", "[crypto][codec]") {
  bytes enc = {2};
  reader r(enc);
  r.boolean();
  CHECK(r.finish().error().code == errc::malformed);
}

TEST_CASE("hex round-trips and rejects non-hex", "[crypto][bytes]") {
  bytes b = {0x00, 0x7f, 0xff};
  CHECK(to_hex(b) == "007fff");
  CHECK(*from_hex("007FfF") == b);
  CHECK_FALSE(from_hex("0"));
  CHECK_FALSE(from_hex("zz"));
}

TEST_CASE("constant_time_equal compares contents and lengths", "[crypto][bytes]") {
  CHECK(constant_time_equal(bytes{1, 2}, bytes{1, 2}));
  CHECK_FALSE(constant_time_equal(bytes{1, 2}, bytes{1, 3}));
  CHECK_FALSE(constant_time_equal(bytes{1, 2}, bytes{1, 2, 3}));
  CHECK(constant_time_equal(bytes{}, bytes{}));
}
