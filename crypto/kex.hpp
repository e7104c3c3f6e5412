// Key agreement: X25519 (RFC 7748), then HKDF-SHA256 to the keys a channel uses.
#pragma once

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::crypto {

inline constexpr std::size_t x25519_key_size = 32;

struct x25519_keypair {
  bytes private_key; ///< 32 bytes, clamped
  bytes public_key;  ///< 32 bytes, the u-coordinate

  static x25519_keypair generate(rng& r);
  /// The key pair for a given (possibly unclamped) private scalar.
  static result<x25519_keypair> from_private(byte_view private_key);
};

/// The raw X25519 shared secret. Rejects small-order peer keys (an all-zero
/// result), so a peer cannot force a known secret.
result<bytes> x25519_shared(byte_view private_key, byte_view peer_public);

/// X25519 then HKDF-SHA256(secret, salt, info) → `length` bytes.
result<bytes> x25519_derive(byte_view private_key, byte_view peer_public, byte_view salt,
                            byte_view info, std::size_t length);

} // namespace protobed::crypto
