#include "crypto/signature.hpp"

namespace protobed::crypto {

const char* to_string(signature_scheme s) noexcept {
  return s == signature_scheme::rsa_pss ? "rsa_pss" : "dsa";
}

std::optional<signature_scheme> parse_signature_scheme(std::string_view s) noexcept {
  if (s == "rsa_pss")
    return signature_scheme::rsa_pss;
  if (s == "dsa")
    return signature_scheme::dsa;
  return std::nullopt;
}

result<verifying_key> verifying_key::from_der(signature_scheme scheme, byte_view der) {
  if (scheme == signature_scheme::rsa_pss) {
    auto k = rsa_public_key::from_der(der);
    if (!k)
      return k.error();
    return verifying_key(*k);
  }
  auto k = dsa_public_key::from_der(der);
  if (!k)
    return k.error();
  return verifying_key(*k);
}

signature_scheme verifying_key::scheme() const noexcept {
  return key_.index() == 0 ? signature_scheme::rsa_pss : signature_scheme::dsa;
}

bytes verifying_key::to_der() const {
  return std::visit([](const auto& k) { return k.to_der(); }, key_);
}

bytes verifying_key::fingerprint() const {
  return std::visit([](const auto& k) { return k.fingerprint(); }, key_);
}

bool verifying_key::verify(byte_view message, byte_view signature) const {
  return std::visit([&](const auto& k) { return k.verify(message, signature); }, key_);
}

signature_scheme signing_key::scheme() const noexcept {
  return key_.index() == 0 ? signature_scheme::rsa_pss : signature_scheme::dsa;
}

verifying_key signing_key::public_key() const {
  return std::visit([](const auto& k) { return verifying_key(k.public_key()); }, key_);
}

bytes signing_key::sign(rng& r, byte_view message) const {
  return std::visit([&](const auto& k) { return k.sign(r, message); }, key_);
}

result<signing_key> signing_key::from_der(signature_scheme scheme, byte_view der) {
  if (scheme == signature_scheme::dsa) {
    auto k = dsa_private_key::from_der(der);
    if (!k)
      return k.error();
    return signing_key(std::move(*k));
  }
  auto k = rsa_private_key::from_der(der);
  if (!k)
    return k.error();
  return signing_key(std::move(*k));
}

bytes signing_key::to_der() const {
  return std::visit([](const auto& k) { return k.to_der(); }, key_);
}

} // namespace protobed::crypto
