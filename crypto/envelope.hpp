// Hybrid encryption for a recipient's RSA key: a fresh AES-256 key wrapped
// with RSA-OAEP-SHA256, the payload under AES-256-GCM. The associated data
// and the wrapped key are both authenticated by the GCM tag.
//
// Layout (canonical codec): u8 version=1 ‖ field(wrapped key) ‖ field(iv ‖ ct ‖ tag)
#pragma once

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"
#include "crypto/rsa.hpp"

namespace protobed::crypto {

result<bytes> seal(rng& r, const rsa_public_key& recipient, byte_view plaintext, byte_view ad = {});
result<bytes> open(rng& r, const rsa_private_key& recipient, byte_view envelope, byte_view ad = {});

} // namespace protobed::crypto
