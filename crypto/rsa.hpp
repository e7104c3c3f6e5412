// RSA key pairs (2048 bits, e = 65537 by default): RSA-OAEP-SHA256 encryption
// and RSA-PSS-SHA256 signatures. Keys are immutable values, cheap to copy.
#pragma once

#include <memory>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::crypto {

inline constexpr unsigned rsa_default_bits = 2048;

class rsa_public_key {
public:
  /// X.509 SubjectPublicKeyInfo DER.
  static result<rsa_public_key> from_der(byte_view der);
  /// "-----BEGIN PUBLIC KEY-----" PEM.
  static result<rsa_public_key> from_pem(std::string_view pem);

  bytes to_der() const;
  std::string to_pem() const;
  /// SHA-256 over the DER encoding.
  bytes fingerprint() const;
  unsigned bits() const;

  /// Largest plaintext encrypt() accepts (modulus bytes − 66 for OAEP-SHA256).
  std::size_t max_plaintext() const;
  result<bytes> encrypt(rng& r, byte_view plaintext) const;
  /// True only for a valid PSS-SHA256 signature over `message`.
  bool verify(byte_view message, byte_view signature) const;

  struct impl;
  explicit rsa_public_key(std::shared_ptr<const impl> p)
    : impl_(std::move(p)) {}
  friend bool operator==(const rsa_public_key& a, const rsa_public_key& b);

private:
  std::shared_ptr<const impl> impl_;
};

class rsa_private_key {
public:
  static rsa_private_key generate(rng& r, unsigned bits = rsa_default_bits);
  /// PKCS #8 PrivateKeyInfo DER.
  static result<rsa_private_key> from_der(byte_view der);
  /// "-----BEGIN PRIVATE KEY-----" PEM.
  static result<rsa_private_key> from_pem(std::string_view pem);

  bytes to_der() const;
  std::string to_pem() const;
  const rsa_public_key& public_key() const;

  result<bytes> decrypt(rng& r, byte_view ciphertext) const;
  bytes sign(rng& r, byte_view message) const;

  struct impl;
  explicit rsa_private_key(std::shared_ptr<const impl> p);

private:
  std::shared_ptr<const impl> impl_;
  rsa_public_key public_;
};

} // namespace protobed::crypto
