#include "crypto/symmetric.hpp"

#include <cryptopp/aes.h>
#include <cryptopp/filters.h>
#include <cryptopp/gcm.h>
#include <cryptopp/modes.h>

#include "crypto/codec.hpp"
#include "crypto/counters.hpp"
#include "crypto/hash.hpp"

namespace protobed::crypto {

namespace {

constexpr std::size_t hmac_tag_size = 32;

bytes cbc_mac_input(byte_view ad, byte_view iv_and_ct) {
  bytes in;
  in.reserve(8 + ad.size() + iv_and_ct.size());
  auto len = static_cast<std::uint64_t>(ad.size());
  for (int shift = 56; shift >= 0; shift -= 8)
    in.push_back(static_cast<std::uint8_t>(len >> shift));
  in.insert(in.end(), ad.begin(), ad.end());
  in.insert(in.end(), iv_and_ct.begin(), iv_and_ct.end());
  return in;
}

result<bytes> cbc_decrypt(byte_view key, byte_view body) {
  auto iv = body.sub(0, cbc_iv_size);
  auto ct = body.sub(cbc_iv_size);
  if (ct.size() % 16 != 0)
    return make_error(errc::malformed, "CBC ciphertext is not whole blocks");
  try {
    CryptoPP::CBC_Mode<CryptoPP::AES>::Decryption dec(key.data(), aes_key_size, iv.data());
    std::string pt;
    CryptoPP::StringSource(
      ct.data(), ct.size(), true,
      new CryptoPP::StreamTransformationFilter(dec, new CryptoPP::StringSink(pt)));
    return bytes(pt.begin(), pt.end());
  } catch (const CryptoPP::Exception&) {
    return make_error(errc::decrypt_failed, "bad CBC padding");
  }
}

} // namespace

result<bytes> cbc_hmac_seal(rng& r, byte_view key, byte_view plaintext, byte_view ad) {
  detail::timed_symmetric timed;
  if (key.size() != cbc_hmac_key_size)
    return make_error(errc::invalid_argument, "CBC+HMAC key must be 64 bytes");
  if (plaintext.size() > max_message_size)
    return make_error(errc::oversized, "plaintext exceeds the message limit");
  detail::count(detail::op::sym, plaintext.size());
  bytes out = r.generate(cbc_iv_size);
  CryptoPP::CBC_Mode<CryptoPP::AES>::Encryption enc(key.data(), aes_key_size, out.data());
  std::string ct;
  CryptoPP::StringSource(
    plaintext.data(), plaintext.size(), true,
    new CryptoPP::StreamTransformationFilter(enc, new CryptoPP::StringSink(ct)));
  out.insert(out.end(), ct.begin(), ct.end());
  auto tag = hmac_sha256(key.sub(aes_key_size), cbc_mac_input(ad, out));
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

result<bytes> cbc_hmac_open(byte_view key, byte_view sealed, byte_view ad) {
  detail::timed_symmetric timed;
  if (key.size() != cbc_hmac_key_size)
    return make_error(errc::invalid_argument, "CBC+HMAC key must be 64 bytes");
  if (sealed.size() < cbc_iv_size + 16 + hmac_tag_size)
    return make_error(errc::truncated, "CBC+HMAC message too short");
  auto body = sealed.sub(0, sealed.size() - hmac_tag_size);
  auto tag = sealed.sub(sealed.size() - hmac_tag_size);
  // Encrypt-then-MAC: nothing is decrypted until the tag verifies.
  if (!hmac_sha256_verify(key.sub(aes_key_size), cbc_mac_input(ad, body), tag))
    return make_error(errc::auth_failed, "HMAC does not verify");
  detail::count(detail::op::sym, body.size());
  return cbc_decrypt(key, body);
}

result<bytes> cbc_open_unauthenticated(byte_view key, byte_view sealed) {
  detail::timed_symmetric timed;
  if (key.size() != cbc_hmac_key_size)
    return make_error(errc::invalid_argument, "CBC+HMAC key must be 64 bytes");
  if (sealed.size() < cbc_iv_size + 16 + hmac_tag_size)
    return make_error(errc::truncated, "CBC+HMAC message too short");
  detail::count(detail::op::sym, sealed.size());
  return cbc_decrypt(key, sealed.sub(0, sealed.size() - hmac_tag_size));
}

result<bytes> gcm_encrypt_with_iv(byte_view key, byte_view iv, byte_view plaintext, byte_view ad) {
  detail::timed_symmetric timed;
  if (key.size() != aes_key_size)
    return make_error(errc::invalid_argument, "AES-256-GCM key must be 32 bytes");
  if (iv.empty())
    return make_error(errc::invalid_argument, "GCM IV must not be empty");
  detail::count(detail::op::sym, plaintext.size());
  CryptoPP::GCM<CryptoPP::AES>::Encryption enc;
  enc.SetKeyWithIV(key.data(), key.size(), iv.data(), iv.size());
  bytes out(plaintext.size() + gcm_tag_size);
  enc.EncryptAndAuthenticate(out.data(), out.data() + plaintext.size(), gcm_tag_size, iv.data(),
                             static_cast<int>(iv.size()), ad.data(), ad.size(), plaintext.data(),
                             plaintext.size());
  return out;
}

result<bytes> gcm_decrypt_with_iv(byte_view key, byte_view iv, byte_view ciphertext_and_tag,
                                  byte_view ad) {
  detail::timed_symmetric timed;
  if (key.size() != aes_key_size)
    return make_error(errc::invalid_argument, "AES-256-GCM key must be 32 bytes");
  if (iv.empty())
    return make_error(errc::invalid_argument, "GCM IV must not be empty");
  if (ciphertext_and_tag.size() < gcm_tag_size)
    return make_error(errc::truncated, "GCM message shorter than its tag");
  auto n = ciphertext_and_tag.size() - gcm_tag_size;
  detail::count(detail::op::sym, n);
  CryptoPP::GCM<CryptoPP::AES>::Decryption dec;
  dec.SetKeyWithIV(key.data(), key.size(), iv.data(), iv.size());
  bytes out(n);
  bool ok = dec.DecryptAndVerify(out.data(), ciphertext_and_tag.data() + n, gcm_tag_size, iv.data(),
                                 static_cast<int>(iv.size()), ad.data(), ad.size(),
                                 ciphertext_and_tag.data(), n);
  if (!ok)
    return make_error(errc::auth_failed, "GCM tag does not verify");
  return out;
}

result<bytes> gcm_seal(rng& r, byte_view key, byte_view plaintext, byte_view ad) {
  if (plaintext.size() > max_message_size)
    return make_error(errc::oversized, "plaintext exceeds the message limit");
  auto iv = r.generate(gcm_iv_size);
  auto ct = gcm_encrypt_with_iv(key, iv, plaintext, ad);
  if (!ct)
    return ct;
  iv.insert(iv.end(), ct->begin(), ct->end());
  return iv;
}

result<bytes> gcm_open(byte_view key, byte_view sealed, byte_view ad) {
  if (sealed.size() < gcm_iv_size + gcm_tag_size)
    return make_error(errc::truncated, "GCM message too short");
  return gcm_decrypt_with_iv(key, sealed.sub(0, gcm_iv_size), sealed.sub(gcm_iv_size), ad);
}

} // namespace protobed::crypto
