#include "crypto/codec.hpp"

namespace protobed::crypto {

namespace {

template <class T>
void put_be(bytes& out, T v) {
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(v >> shift));
}

template <class T>
T get_be(const std::uint8_t* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    v = static_cast<T>(v << 8 | p[i]);
  return v;
}

} // namespace

writer& writer::u8(std::uint8_t v) {
  out_.push_back(v);
  return *this;
}
writer& writer::u16(std::uint16_t v) {
  put_be(out_, v);
  return *this;
}
writer& writer::u32(std::uint32_t v) {
  put_be(out_, v);
  return *this;
}
writer& writer::u64(std::uint64_t v) {
  put_be(out_, v);
  return *this;
}
writer& writer::i64(std::int64_t v) {
  return u64(static_cast<std::uint64_t>(v));
}

writer& writer::field(byte_view b) {
  // A field too long for a u32 can never fit a message; finish() reports it.
  auto n = b.size() > max_message_size ? max_message_size + 1 : b.size();
  u32(static_cast<std::uint32_t>(n));
  out_.insert(out_.end(), b.begin(), b.begin() + std::min(n, b.size()));
  return *this;
}

result<bytes> writer::finish() && {
  if (out_.size() > max_message_size)
    return make_error(errc::oversized,
                      "encoded message exceeds " + std::to_string(max_message_size) + " bytes");
  return std::move(out_);
}

reader::reader(byte_view in)
  : in_(in) {
  if (in.size() > max_message_size)
    fail(errc::oversized, "message of " + std::to_string(in.size()) + " bytes exceeds limit");
}

void reader::fail(errc code, std::string detail) {
  if (!error_)
    error_ = make_error(code, std::move(detail));
}

const std::uint8_t* reader::take(std::size_t n, const char* what) {
  if (error_)
    return nullptr;
  if (n > remaining()) {
    fail(errc::truncated, std::string(what) + " needs " + std::to_string(n) + " bytes, " +
                            std::to_string(remaining()) + " left");
    return nullptr;
  }
  auto p = in_.data() + pos_;
  pos_ += n;
  return p;
}

std::uint8_t reader::u8() {
  auto p = take(1, "u8");
  return p ? *p : 0;
}
std::uint16_t reader::u16() {
  auto p = take(2, "u16");
  return p ? get_be<std::uint16_t>(p) : 0;
}
std::uint32_t reader::u32() {
  auto p = take(4, "u32");
  return p ? get_be<std::uint32_t>(p) : 0;
}
std::uint64_t reader::u64() {
  auto p = take(8, "u64");
  return p ? get_be<std::uint64_t>(p) : 0;
}
std::int64_t reader::i64() {
  return static_cast<std::int64_t>(u64());
}

bool reader::boolean() {
  auto v = u8();
  if (v > 1)
    fail(errc::malformed, "boolean byte must be 0 or 1");
  return v == 1;
}

bytes reader::field(std::size_t max) {
  auto n = u32();
  if (error_)
    return {};
  if (n > max) {
    fail(errc::oversized,
         "field of " + std::to_string(n) + " bytes exceeds limit of " + std::to_string(max));
    return {};
  }
  auto p = take(n, "field");
  return p ? bytes(p, p + n) : bytes{};
}

bytes reader::exact(std::size_t n) {
  auto b = field(n);
  if (!error_ && b.size() != n)
    fail(errc::malformed,
         "field of " + std::to_string(b.size()) + " bytes must be exactly " + std::to_string(n));
  return b;
}

std::string reader::str(std::size_t max) {
  auto b = field(max);
  return std::string(b.begin(), b.end());
}

status reader::finish() const {
  if (error_)
    return *error_;
  if (remaining() != 0)
    return make_error(errc::trailing_bytes,
                      std::to_string(remaining()) + " bytes after last field");
  return {};
}

result<bytes> encode(const signed_blob& x) {
  return encode_labelled("signed", [&](writer& w) { w.field(x.payload).field(x.signature); });
}

result<signed_blob> decode_signed_blob(byte_view in) {
  return decode_labelled<signed_blob>(in, "signed", [](reader& r, signed_blob& x) {
    x.payload = r.field(16384);  // the largest signed payload either protocol makes
    x.signature = r.field(1024); // an RSA-4096 or DSA signature fits
  });
}

} // namespace protobed::crypto
