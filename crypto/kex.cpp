#include "crypto/kex.hpp"
#include "crypto/counters.hpp"

#include <cryptopp/xed25519.h>

#include "crypto/hash.hpp"

namespace protobed::crypto {

x25519_keypair x25519_keypair::generate(rng& r) {
  detail::timed_op timed(detail::op::kex);
  CryptoPP::x25519 domain;
  x25519_keypair kp{bytes(x25519_key_size), bytes(x25519_key_size)};
  domain.GenerateKeyPair(r.engine(), kp.private_key.data(), kp.public_key.data());
  return kp;
}

result<x25519_keypair> x25519_keypair::from_private(byte_view private_key) {
  if (private_key.size() != x25519_key_size)
    return make_error(errc::invalid_argument, "X25519 private key must be 32 bytes");
  detail::timed_op timed(detail::op::kex);
  x25519_keypair kp{private_key.to_bytes(), bytes(x25519_key_size)};
  CryptoPP::x25519 domain;
  domain.ClampKey(kp.private_key.data());
  domain.GeneratePublicKey(CryptoPP::NullRNG(), kp.private_key.data(), kp.public_key.data());
  return kp;
}

result<bytes> x25519_shared(byte_view private_key, byte_view peer_public) {
  if (private_key.size() != x25519_key_size || peer_public.size() != x25519_key_size)
    return make_error(errc::invalid_argument, "X25519 keys must be 32 bytes");
  detail::timed_op timed(detail::op::kex);
  CryptoPP::x25519 domain;
  // RFC 7748 decodeScalar25519: the scalar is clamped before use.
  auto scalar = private_key.to_bytes();
  domain.ClampKey(scalar.data());
  bytes secret(x25519_key_size);
  if (!domain.Agree(secret.data(), scalar.data(), peer_public.data(), true))
    return make_error(errc::invalid_key, "X25519 peer key is of small order");
  return secret;
}

result<bytes> x25519_derive(byte_view private_key, byte_view peer_public, byte_view salt,
                            byte_view info, std::size_t length) {
  auto secret = x25519_shared(private_key, peer_public);
  if (!secret)
    return secret;
  return hkdf_sha256(*secret, salt, info, length);
}

} // namespace protobed::crypto
