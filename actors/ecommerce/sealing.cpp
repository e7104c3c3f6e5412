#include "actors/ecommerce/sealing.hpp"

#include "crypto/symmetric.hpp"

namespace protobed::ecommerce {

namespace {

bytes keyed_ad(const char* kind, byte_view nonce) {
  return crypto::concat({byte_view{kind}, nonce});
}

} // namespace

result<signed_blob> sign_blob(crypto::rng& r, const crypto::rsa_private_key& key,
                              result<bytes> payload) {
  if (!payload)
    return payload.error();
  auto sig = key.sign(r, *payload);
  return signed_blob{std::move(*payload), std::move(sig)};
}

bool verify_blob(const crypto::rsa_public_key& key, const signed_blob& blob) {
  return key.verify(blob.payload, blob.signature);
}

result<bytes> seal_keyed(crypto::rng& r, byte_view reply_key, const char* kind, byte_view nonce,
                         result<bytes> plaintext) {
  if (!plaintext)
    return plaintext;
  auto sealed = crypto::gcm_seal(r, reply_key, *plaintext, keyed_ad(kind, nonce));
  if (!sealed)
    return sealed;
  return encode(keyed_body{nonce.to_bytes(), std::move(*sealed)});
}

result<bytes> open_keyed(byte_view reply_key, const char* kind, const keyed_body& body) {
  return crypto::gcm_open(reply_key, body.sealed, keyed_ad(kind, body.nonce));
}

} // namespace protobed::ecommerce
