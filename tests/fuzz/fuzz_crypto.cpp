// libFuzzer target: the crypto layer's parsers — DER and PEM keys, hybrid
// envelopes (opened with a fixed key), authenticated symmetric boxes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/envelope.hpp"
#include "crypto/rsa.hpp"
#include "crypto/symmetric.hpp"

using namespace protobed::crypto;

namespace {

const rsa_private_key& fixed_key() {
  static const rsa_private_key key = [] {
    auto r = rng::deterministic(1, "fuzz");
    return rsa_private_key::generate(r, 1024);
  }();
  return key;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_view in(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)rsa_public_key::from_der(in);
  (void)rsa_private_key::from_der(in);
  (void)rsa_public_key::from_pem(text);
  (void)rsa_private_key::from_pem(text);
  static auto r = rng::deterministic(2, "fuzz-open");
  (void)open(r, fixed_key(), in, "fuzz");
  static const bytes key(32, 7);
  (void)cbc_hmac_open(key, in, "fuzz");
  (void)gcm_open(key, in, "fuzz");
  return 0;
}
