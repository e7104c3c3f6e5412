// The two protections the e-commerce messages use, in one place: signed
// blobs (RSA-PSS) and bodies under the client's reply key (AES-256-GCM,
// with the packet kind and the client nonce as associated data).
#pragma once

#include "actors/ecommerce/messages.hpp"
#include "crypto/rsa.hpp"

namespace protobed::ecommerce {

result<signed_blob> sign_blob(crypto::rng& r, const crypto::rsa_private_key& key,
                              result<bytes> payload);
bool verify_blob(const crypto::rsa_public_key& key, const signed_blob& blob);

/// keyed_body{nonce, GCM(reply_key, plaintext, ad = kind ‖ nonce)}, encoded.
result<bytes> seal_keyed(crypto::rng& r, byte_view reply_key, const char* kind, byte_view nonce,
                         result<bytes> plaintext);
result<bytes> open_keyed(byte_view reply_key, const char* kind, const keyed_body& body);

} // namespace protobed::ecommerce
