// The canonical encoding of everything protobed signs or sends: big-endian
// integers and length-prefixed byte strings in a fixed order. Readers never
// read past their input: truncated, oversized or trailing input is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace protobed::crypto {

/// No encoded message (and so no field) may exceed this many bytes.
inline constexpr std::size_t max_message_size = 1u << 20; // 1 MiB

class writer {
public:
  writer& u8(std::uint8_t v);
  writer& u16(std::uint16_t v);
  writer& u32(std::uint32_t v);
  writer& u64(std::uint64_t v);
  writer& i64(std::int64_t v);
  writer& boolean(bool v) {
    return u8(v ? 1 : 0);
  }
  /// A u32 length, then the bytes.
  writer& field(byte_view b);
  writer& str(std::string_view s) {
    return field(byte_view{s});
  }

  /// The encoding, or `oversized` if it grew past max_message_size.
  result<bytes> finish() &&;
  std::size_t size() const noexcept {
    return out_.size();
  }

private:
  bytes out_;
};

/// Reads fields in order. The first failure is sticky: later reads return
/// zero values and finish() reports the first error, so a decoder can read
/// every field and check once.
class reader {
public:
  explicit reader(byte_view in);

  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::uint64_t u64();
  std::int64_t i64();
  bool boolean();
  /// A length-prefixed field; `max` bounds its length (default: the message limit).
  bytes field(std::size_t max = max_message_size);
  std::string str(std::size_t max = max_message_size);
  /// A length-prefixed field that must be exactly `n` bytes (a nonce, a tid).
  bytes exact(std::size_t n);

  bool ok() const noexcept {
    return !error_;
  }
  std::size_t remaining() const noexcept {
    return in_.size() - pos_;
  }
  /// Success only if every read succeeded and all input was consumed.
  status finish() const;

private:
  const std::uint8_t* take(std::size_t n, const char* what);
  void fail(errc code, std::string detail);

  byte_view in_;
  std::size_t pos_ = 0;
  std::optional<crypto::error> error_;
};

/// Writes a payload that starts with a label naming what it is (so a
/// signature or MAC over one message can never be passed off as another).
template <class F>
result<bytes> encode_labelled(const char* label, F body) {
  writer w;
  w.str(label);
  body(w);
  return std::move(w).finish();
}

/// Reads a labelled payload: checks the label, runs `body` (reader&, T&),
/// requires the end.
template <class T, class F>
result<T> decode_labelled(byte_view in, const char* label, F body) {
  reader r(in);
  if (r.str(256) != label && r.ok())
    return make_error(errc::malformed, std::string("expected ") + label);
  T x{};
  body(r, x);
  if (auto st = r.finish(); !st)
    return st.error();
  return x;
}

/// A payload and a signature over it, as both protocols carry them.
struct signed_blob {
  bytes payload;
  bytes signature;
};
result<bytes> encode(const signed_blob& x);
result<signed_blob> decode_signed_blob(byte_view in);

} // namespace protobed::crypto
