// One-time passwords: random codes sent by SMS (the e-commerce 2FA), HOTP
// (RFC 4226) and TOTP (RFC 6238), and a verifier that enforces a lifetime,
// an attempt limit and single use.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::crypto {

/// A uniformly random code of `digits` decimal digits (1..9), zero-padded.
std::string random_otp(rng& r, unsigned digits = 6);

enum class otp_hash : std::uint8_t { sha1, sha256, sha512 };

/// RFC 4226 HOTP; `digits` 6..9.
result<std::string> hotp(byte_view key, std::uint64_t counter, unsigned digits = 6,
                         otp_hash hash = otp_hash::sha1);

/// RFC 6238 TOTP at `unix_seconds`, time step `step_seconds` from T0 = 0.
result<std::string> totp(byte_view key, std::int64_t unix_seconds, unsigned digits = 6,
                         otp_hash hash = otp_hash::sha1, std::int64_t step_seconds = 30);

struct otp_policy {
  std::chrono::nanoseconds lifetime = std::chrono::minutes(5);
  unsigned max_attempts = 3;
};

/// Holds one issued code. verify() succeeds at most once per issue; a wrong
/// code uses up an attempt, and the last wrong attempt destroys the code.
class otp_verifier {
public:
  explicit otp_verifier(otp_policy policy = {})
    : policy_(policy) {}

  void issue(std::string code, std::chrono::nanoseconds now);
  /// ok, or one of: not_issued, already_used, expired, exhausted, auth_failed.
  status verify(std::string_view code, std::chrono::nanoseconds now);

  unsigned attempts_left() const noexcept {
    return attempts_left_;
  }
  const otp_policy& policy() const noexcept {
    return policy_;
  }

private:
  enum class state : std::uint8_t { none, live, used, expired, exhausted };
  error retire(state s, errc code, std::string detail);

  otp_policy policy_;
  std::string code_;
  std::chrono::nanoseconds issued_at_{0};
  unsigned attempts_left_ = 0;
  state state_ = state::none;
};

} // namespace protobed::crypto
