#include "crypto/envelope.hpp"

#include "crypto/codec.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::crypto {

namespace {

constexpr std::uint8_t envelope_version = 1;

result<bytes> gcm_ad(byte_view wrapped, byte_view ad) {
  writer w;
  w.str("protobed.envelope.v1").field(wrapped).field(ad);
  return std::move(w).finish();
}

} // namespace

result<bytes> seal(rng& r, const rsa_public_key& recipient, byte_view plaintext, byte_view ad) {
  auto key = r.generate(aes_key_size);
  auto wrapped = recipient.encrypt(r, key);
  if (!wrapped)
    return wrapped;
  auto bound = gcm_ad(*wrapped, ad);
  if (!bound)
    return bound;
  auto body = gcm_seal(r, key, plaintext, *bound);
  if (!body)
    return body;
  writer w;
  w.u8(envelope_version).field(*wrapped).field(*body);
  return std::move(w).finish();
}

result<bytes> open(rng& r, const rsa_private_key& recipient, byte_view envelope, byte_view ad) {
  reader rd(envelope);
  auto version = rd.u8();
  auto wrapped = rd.field(1024);
  auto body = rd.field();
  if (auto st = rd.finish(); !st)
    return st.error();
  if (version != envelope_version)
    return make_error(errc::malformed, "unknown envelope version");
  auto key = recipient.decrypt(r, wrapped);
  if (!key)
    return key;
  if (key->size() != aes_key_size)
    return make_error(errc::decrypt_failed, "wrapped key has the wrong size");
  auto bound = gcm_ad(wrapped, ad);
  if (!bound)
    return bound;
  return gcm_open(*key, body, *bound);
}

} // namespace protobed::crypto
