#include "crypto/hash.hpp"

#include "crypto/counters.hpp"

#include <cryptopp/hkdf.h>
#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>

namespace protobed::crypto {

bytes sha256(byte_view data) {
  detail::timed_symmetric timed;
  bytes out(sha256_size);
  CryptoPP::SHA256().CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

bytes hmac_sha256(byte_view key, byte_view data) {
  detail::timed_symmetric timed;
  CryptoPP::HMAC<CryptoPP::SHA256> mac(key.data(), key.size());
  bytes out(mac.DigestSize());
  mac.CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

bool hmac_sha256_verify(byte_view key, byte_view data, byte_view tag) {
  detail::timed_symmetric timed;
  CryptoPP::HMAC<CryptoPP::SHA256> mac(key.data(), key.size());
  if (tag.size() != mac.DigestSize())
    return false;
  return mac.VerifyDigest(tag.data(), data.data(), data.size());
}

result<bytes> hkdf_sha256(byte_view ikm, byte_view salt, byte_view info, std::size_t length) {
  detail::timed_symmetric timed;
  CryptoPP::HKDF<CryptoPP::SHA256> kdf;
  if (length == 0 || length > kdf.MaxDerivedKeyLength())
    return make_error(errc::invalid_argument, "HKDF output length must be 1..8160");
  bytes out(length);
  kdf.DeriveKey(out.data(), out.size(), ikm.data(), ikm.size(), salt.data(), salt.size(),
                info.data(), info.size());
  return out;
}

} // namespace protobed::crypto
