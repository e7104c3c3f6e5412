// DSA-2048/256 with SHA-256 (FIPS 186-4). Domain parameters are expensive to
// make (65–560 ms): make them once and share them between key pairs.
#pragma once

#include <memory>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::crypto {

class dsa_params {
public:
  /// Fresh (p, q, g) with |p| = 2048 and |q| = 256.
  static dsa_params generate(rng& r);
  static result<dsa_params> from_der(byte_view der);
  bytes to_der() const;

  struct impl;
  explicit dsa_params(std::shared_ptr<const impl> p)
    : impl_(std::move(p)) {}
  const impl& get() const {
    return *impl_;
  }

private:
  std::shared_ptr<const impl> impl_;
};

class dsa_public_key {
public:
  /// X.509 SubjectPublicKeyInfo DER (carries the domain parameters).
  static result<dsa_public_key> from_der(byte_view der);
  bytes to_der() const;
  bytes fingerprint() const;
  /// True only for a valid 64-byte r‖s signature over `message`.
  bool verify(byte_view message, byte_view signature) const;

  struct impl;
  explicit dsa_public_key(std::shared_ptr<const impl> p)
    : impl_(std::move(p)) {}
  friend bool operator==(const dsa_public_key& a, const dsa_public_key& b);

private:
  std::shared_ptr<const impl> impl_;
};

class dsa_private_key {
public:
  static dsa_private_key generate(rng& r, const dsa_params& params);
  static result<dsa_private_key> from_der(byte_view der);
  bytes to_der() const;
  const dsa_public_key& public_key() const;
  /// 64-byte r‖s (IEEE P1363) signature.
  bytes sign(rng& r, byte_view message) const;

  struct impl;
  explicit dsa_private_key(std::shared_ptr<const impl> p);

private:
  std::shared_ptr<const impl> impl_;
  dsa_public_key public_;
};

} // namespace protobed::crypto
