// One interface over both signature schemes, so a protocol can let its user
// choose RSA-PSS-SHA256 or DSA-2048/256-SHA256 per use.
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "crypto/dsa.hpp"
#include "crypto/rsa.hpp"

namespace protobed::crypto {

enum class signature_scheme : std::uint8_t { rsa_pss = 1, dsa = 2 };

const char* to_string(signature_scheme s) noexcept;
/// "rsa_pss" or "dsa"; nullopt otherwise.
std::optional<signature_scheme> parse_signature_scheme(std::string_view s) noexcept;

class verifying_key {
public:
  verifying_key(rsa_public_key k)
    : key_(std::move(k)) {}
  verifying_key(dsa_public_key k)
    : key_(std::move(k)) {}
  /// Decodes `scheme` DER; the scheme travels beside the key, never guessed.
  static result<verifying_key> from_der(signature_scheme scheme, byte_view der);

  signature_scheme scheme() const noexcept;
  bytes to_der() const;
  bytes fingerprint() const;
  bool verify(byte_view message, byte_view signature) const;

private:
  std::variant<rsa_public_key, dsa_public_key> key_;
};

class signing_key {
public:
  signing_key(rsa_private_key k)
    : key_(std::move(k)) {}
  signing_key(dsa_private_key k)
    : key_(std::move(k)) {}

  /// Decodes a `scheme` private key (PKCS#8 for RSA, Crypto++'s DER for DSA).
  static result<signing_key> from_der(signature_scheme scheme, byte_view der);

  signature_scheme scheme() const noexcept;
  verifying_key public_key() const;
  bytes sign(rng& r, byte_view message) const;
  /// The private key's DER: only to hand it to the process that runs its owner.
  bytes to_der() const;

private:
  std::variant<rsa_private_key, dsa_private_key> key_;
};

} // namespace protobed::crypto
