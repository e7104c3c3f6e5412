#include "crypto/rsa.hpp"

#include <cryptopp/oaep.h>
#include <cryptopp/pssr.h>
#include <cryptopp/queue.h>
#include <cryptopp/rsa.h>
#include <cryptopp/sha.h>

#include "crypto/counters.hpp"
#include "crypto/hash.hpp"
#include "crypto/pem.hpp"

namespace protobed::crypto {

using oaep = CryptoPP::RSAES<CryptoPP::OAEP<CryptoPP::SHA256>>;
using pss = CryptoPP::RSASS<CryptoPP::PSS, CryptoPP::SHA256>;

struct rsa_public_key::impl {
  CryptoPP::RSA::PublicKey key;
  oaep::Encryptor encryptor;
  pss::Verifier verifier;
  bytes der;

  explicit impl(const CryptoPP::RSA::PublicKey& k)
    : key(k)
    , encryptor(k)
    , verifier(k) {
    CryptoPP::ByteQueue q;
    key.DEREncode(q);
    der.resize(q.MaxRetrievable());
    q.Get(der.data(), der.size());
  }
};

struct rsa_private_key::impl {
  CryptoPP::RSA::PrivateKey key;
  oaep::Decryptor decryptor;
  pss::Signer signer;

  explicit impl(const CryptoPP::RSA::PrivateKey& k)
    : key(k)
    , decryptor(k)
    , signer(k) {}
};

namespace {

template <class Key>
bool load_der(Key& key, byte_view der) {
  try {
    CryptoPP::ByteQueue q;
    q.Put(der.data(), der.size());
    key.BERDecode(q);
    return q.IsEmpty();
  } catch (const CryptoPP::Exception&) {
    return false;
  }
}

/// Keys from outside are validated so a malformed modulus never reaches the
/// arithmetic. Public keys get the cheap level-1 checks (no randomness);
/// private keys, loaded rarely, also get primality tests.
bool valid(const CryptoPP::RSA::PublicKey& key) {
  return key.Validate(CryptoPP::NullRNG(), 1);
}

bool valid(const CryptoPP::RSA::PrivateKey& key) {
  auto r = rng::os();
  return key.Validate(r.engine(), 2);
}

} // namespace

result<rsa_public_key> rsa_public_key::from_der(byte_view der) {
  detail::timed_op timed(detail::op::key_load);
  CryptoPP::RSA::PublicKey k;
  if (!load_der(k, der) || !valid(k))
    return make_error(errc::invalid_key, "not an RSA SubjectPublicKeyInfo");
  if (k.GetModulus().BitCount() < 1024)
    return make_error(errc::invalid_key, "RSA modulus below 1024 bits");
  return rsa_public_key(std::make_shared<const impl>(k));
}

result<rsa_public_key> rsa_public_key::from_pem(std::string_view pem) {
  auto der = pem_decode("PUBLIC KEY", pem);
  if (!der)
    return der.error();
  return from_der(*der);
}

bytes rsa_public_key::to_der() const {
  return impl_->der;
}

std::string rsa_public_key::to_pem() const {
  return pem_encode("PUBLIC KEY", impl_->der);
}

bytes rsa_public_key::fingerprint() const {
  return sha256(impl_->der);
}

unsigned rsa_public_key::bits() const {
  return impl_->key.GetModulus().BitCount();
}

std::size_t rsa_public_key::max_plaintext() const {
  return impl_->encryptor.FixedMaxPlaintextLength();
}

result<bytes> rsa_public_key::encrypt(rng& r, byte_view plaintext) const {
  if (plaintext.size() > max_plaintext())
    return make_error(errc::invalid_argument, "plaintext longer than the OAEP limit");
  detail::timed_op timed(detail::op::rsa_public);
  bytes out(impl_->encryptor.CiphertextLength(plaintext.size()));
  impl_->encryptor.Encrypt(r.engine(), plaintext.data(), plaintext.size(), out.data());
  return out;
}

bool rsa_public_key::verify(byte_view message, byte_view signature) const {
  if (signature.size() != impl_->verifier.SignatureLength())
    return false;
  detail::timed_op timed(detail::op::rsa_public);
  try {
    return impl_->verifier.VerifyMessage(message.data(), message.size(), signature.data(),
                                         signature.size());
  } catch (const CryptoPP::Exception&) {
    return false;
  }
}

bool operator==(const rsa_public_key& a, const rsa_public_key& b) {
  return a.impl_->der == b.impl_->der;
}

rsa_private_key::rsa_private_key(std::shared_ptr<const impl> p)
  : impl_(std::move(p))
  , public_(std::make_shared<const rsa_public_key::impl>(CryptoPP::RSA::PublicKey(impl_->key))) {}

rsa_private_key rsa_private_key::generate(rng& r, unsigned bits) {
  detail::timed_op timed(detail::op::keygen);
  CryptoPP::InvertibleRSAFunction f;
  f.Initialize(r.engine(), bits, CryptoPP::Integer(65537));
  return rsa_private_key(std::make_shared<const impl>(CryptoPP::RSA::PrivateKey(f)));
}

result<rsa_private_key> rsa_private_key::from_der(byte_view der) {
  detail::timed_op timed(detail::op::key_load);
  CryptoPP::RSA::PrivateKey k;
  if (!load_der(k, der) || !valid(k))
    return make_error(errc::invalid_key, "not an RSA PKCS#8 private key");
  return rsa_private_key(std::make_shared<const impl>(k));
}

result<rsa_private_key> rsa_private_key::from_pem(std::string_view pem) {
  auto der = pem_decode("PRIVATE KEY", pem);
  if (!der)
    return der.error();
  return from_der(*der);
}

bytes rsa_private_key::to_der() const {
  detail::timed_op timed(detail::op::key_load);
  CryptoPP::ByteQueue q;
  impl_->key.DEREncode(q);
  bytes out(q.MaxRetrievable());
  q.Get(out.data(), out.size());
  return out;
}

std::string rsa_private_key::to_pem() const {
  return pem_encode("PRIVATE KEY", to_der());
}

const rsa_public_key& rsa_private_key::public_key() const {
  return public_;
}

result<bytes> rsa_private_key::decrypt(rng& r, byte_view ciphertext) const {
  if (ciphertext.size() != impl_->decryptor.FixedCiphertextLength())
    return make_error(errc::decrypt_failed, "ciphertext length does not match the key");
  detail::timed_op timed(detail::op::rsa_private);
  try {
    bytes out(impl_->decryptor.MaxPlaintextLength(ciphertext.size()));
    auto res =
      impl_->decryptor.Decrypt(r.engine(), ciphertext.data(), ciphertext.size(), out.data());
    if (!res.isValidCoding)
      return make_error(errc::decrypt_failed, "OAEP decoding failed");
    out.resize(res.messageLength);
    return out;
  } catch (const CryptoPP::Exception&) {
    return make_error(errc::decrypt_failed, "OAEP decryption failed");
  }
}

bytes rsa_private_key::sign(rng& r, byte_view message) const {
  detail::timed_op timed(detail::op::rsa_private);
  bytes sig(impl_->signer.MaxSignatureLength());
  auto n = impl_->signer.SignMessage(r.engine(), message.data(), message.size(), sig.data());
  sig.resize(n);
  return sig;
}

} // namespace protobed::crypto
