#include "crypto/otp.hpp"
#include "crypto/counters.hpp"

#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>

namespace protobed::crypto {

namespace {

constexpr std::uint32_t powers_of_ten[] = {1,      10,      100,      1000,      10000,
                                           100000, 1000000, 10000000, 100000000, 1000000000};

std::string zero_padded(std::uint32_t value, unsigned digits) {
  auto s = std::to_string(value);
  return std::string(digits > s.size() ? digits - s.size() : 0, '0') + s;
}

template <class Hash>
bytes hmac(byte_view key, byte_view msg) {
  detail::timed_symmetric timed;
  CryptoPP::HMAC<Hash> mac(key.data(), key.size());
  bytes out(mac.DigestSize());
  mac.CalculateDigest(out.data(), msg.data(), msg.size());
  return out;
}

bytes otp_hmac(otp_hash h, byte_view key, byte_view msg) {
  switch (h) {
    case otp_hash::sha256:
      return hmac<CryptoPP::SHA256>(key, msg);
    case otp_hash::sha512:
      return hmac<CryptoPP::SHA512>(key, msg);
    case otp_hash::sha1:
      break;
  }
  return hmac<CryptoPP::SHA1>(key, msg);
}

} // namespace

std::string random_otp(rng& r, unsigned digits) {
  digits = std::clamp(digits, 1u, 9u);
  return zero_padded(r.uniform(0, powers_of_ten[digits] - 1), digits);
}

result<std::string> hotp(byte_view key, std::uint64_t counter, unsigned digits, otp_hash hash) {
  if (digits < 6 || digits > 9)
    return make_error(errc::invalid_argument, "HOTP digits must be 6..9");
  std::uint8_t msg[8];
  for (int i = 0; i < 8; ++i)
    msg[i] = static_cast<std::uint8_t>(counter >> (56 - 8 * i));
  auto mac = otp_hmac(hash, key, byte_view{msg, sizeof(msg)});
  // RFC 4226 §5.3 dynamic truncation.
  auto offset = mac.back() & 0x0f;
  std::uint32_t bin =
    (mac[offset] & 0x7fu) << 24 | mac[offset + 1] << 16 | mac[offset + 2] << 8 | mac[offset + 3];
  return zero_padded(bin % powers_of_ten[digits], digits);
}

result<std::string> totp(byte_view key, std::int64_t unix_seconds, unsigned digits, otp_hash hash,
                         std::int64_t step_seconds) {
  if (step_seconds <= 0 || unix_seconds < 0)
    return make_error(errc::invalid_argument, "TOTP needs a positive step and time >= 0");
  return hotp(key, static_cast<std::uint64_t>(unix_seconds / step_seconds), digits, hash);
}

void otp_verifier::issue(std::string code, std::chrono::nanoseconds now) {
  code_ = std::move(code);
  issued_at_ = now;
  attempts_left_ = policy_.max_attempts;
  state_ = state::live;
}

status otp_verifier::verify(std::string_view code, std::chrono::nanoseconds now) {
  switch (state_) {
    case state::none:
      return make_error(errc::not_issued, "no code was issued");
    case state::used:
      return make_error(errc::already_used, "code was already used");
    case state::exhausted:
      return make_error(errc::exhausted, "no attempts left");
    case state::expired:
      return make_error(errc::expired, "code expired");
    case state::live:
      break;
  }
  if (now - issued_at_ > policy_.lifetime)
    return retire(state::expired, errc::expired, "code expired");
  if (!constant_time_equal(byte_view{code_}, byte_view{code})) {
    if (--attempts_left_ == 0)
      return retire(state::exhausted, errc::exhausted, "wrong code; no attempts left");
    return make_error(errc::auth_failed, "wrong code");
  }
  retire(state::used, errc::already_used, {});
  return {};
}

error otp_verifier::retire(state s, errc code, std::string detail) {
  // The code is wiped as soon as it can no longer be accepted.
  std::fill(code_.begin(), code_.end(), '\0');
  code_.clear();
  state_ = s;
  return make_error(code, std::move(detail));
}

} // namespace protobed::crypto
