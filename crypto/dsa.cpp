#include "crypto/dsa.hpp"

#include <cryptopp/argnames.h>
#include <cryptopp/dsa.h>
#include <cryptopp/queue.h>
#include <cryptopp/sha.h>

#include "crypto/counters.hpp"
#include "crypto/hash.hpp"

namespace protobed::crypto {

using dsa256 = CryptoPP::DSA2<CryptoPP::SHA256>;

struct dsa_params::impl {
  CryptoPP::DL_GroupParameters_DSA group;
};

struct dsa_public_key::impl {
  dsa256::PublicKey key;
  dsa256::Verifier verifier;
  bytes der;

  explicit impl(const dsa256::PublicKey& k)
    : key(k)
    , verifier(k) {
    CryptoPP::ByteQueue q;
    key.DEREncode(q);
    der.resize(q.MaxRetrievable());
    q.Get(der.data(), der.size());
  }
};

struct dsa_private_key::impl {
  dsa256::PrivateKey key;
  dsa256::Signer signer;

  explicit impl(const dsa256::PrivateKey& k)
    : key(k)
    , signer(k) {}
};

namespace {

template <class T>
bool load_der(T& obj, byte_view der) {
  try {
    CryptoPP::ByteQueue q;
    q.Put(der.data(), der.size());
    obj.BERDecode(q);
    return q.IsEmpty();
  } catch (const CryptoPP::Exception&) {
    return false;
  }
}

template <class T>
bytes save_der(const T& obj) {
  CryptoPP::ByteQueue q;
  obj.DEREncode(q);
  bytes out(q.MaxRetrievable());
  q.Get(out.data(), out.size());
  return out;
}

bool sizes_ok(const CryptoPP::DL_GroupParameters_DSA& g) {
  return g.GetModulus().BitCount() == 2048 && g.GetSubgroupOrder().BitCount() == 256;
}

} // namespace

dsa_params dsa_params::generate(rng& r) {
  auto p = std::make_shared<impl>();
  p->group.GenerateRandom(r.engine(), CryptoPP::MakeParameters(CryptoPP::Name::ModulusSize(), 2048)(
                                        CryptoPP::Name::SubgroupOrderSize(), 256));
  return dsa_params(std::move(p));
}

result<dsa_params> dsa_params::from_der(byte_view der) {
  detail::timed_op timed(detail::op::key_load);
  auto p = std::make_shared<impl>();
  if (!load_der(p->group, der) || !sizes_ok(p->group) || !p->group.Validate(CryptoPP::NullRNG(), 1))
    return make_error(errc::invalid_key, "not DSA-2048/256 domain parameters");
  return dsa_params(std::move(p));
}

bytes dsa_params::to_der() const {
  return save_der(impl_->group);
}

result<dsa_public_key> dsa_public_key::from_der(byte_view der) {
  detail::timed_op timed(detail::op::key_load);
  dsa256::PublicKey k;
  if (!load_der(k, der) || !sizes_ok(k.GetGroupParameters()) || !k.Validate(CryptoPP::NullRNG(), 1))
    return make_error(errc::invalid_key, "not a DSA-2048/256 public key");
  return dsa_public_key(std::make_shared<const impl>(k));
}

bytes dsa_public_key::to_der() const {
  return impl_->der;
}

bytes dsa_public_key::fingerprint() const {
  return sha256(impl_->der);
}

bool dsa_public_key::verify(byte_view message, byte_view signature) const {
  if (signature.size() != impl_->verifier.SignatureLength())
    return false;
  detail::timed_op timed(detail::op::dsa_verify);
  try {
    return impl_->verifier.VerifyMessage(message.data(), message.size(), signature.data(),
                                         signature.size());
  } catch (const CryptoPP::Exception&) {
    return false;
  }
}

bool operator==(const dsa_public_key& a, const dsa_public_key& b) {
  return a.impl_->der == b.impl_->der;
}

namespace {

dsa256::PublicKey public_of(const dsa256::PrivateKey& k) {
  dsa256::PublicKey pub;
  k.MakePublicKey(pub);
  return pub;
}

} // namespace

dsa_private_key::dsa_private_key(std::shared_ptr<const impl> p)
  : impl_(std::move(p))
  , public_(std::make_shared<const dsa_public_key::impl>(public_of(impl_->key))) {}

dsa_private_key dsa_private_key::generate(rng& r, const dsa_params& params) {
  detail::timed_op timed(detail::op::keygen); // a key made, as RSA
  dsa256::PrivateKey k;
  const auto& g = params.get().group;
  k.Initialize(r.engine(), g.GetModulus(), g.GetSubgroupOrder(), g.GetGenerator());
  return dsa_private_key(std::make_shared<const impl>(k));
}

result<dsa_private_key> dsa_private_key::from_der(byte_view der) {
  detail::timed_op timed(detail::op::key_load);
  dsa256::PrivateKey k;
  if (!load_der(k, der) || !sizes_ok(k.GetGroupParameters()) || !k.Validate(CryptoPP::NullRNG(), 1))
    return make_error(errc::invalid_key, "not a DSA-2048/256 private key");
  return dsa_private_key(std::make_shared<const impl>(k));
}

bytes dsa_private_key::to_der() const {
  return save_der(impl_->key);
}

const dsa_public_key& dsa_private_key::public_key() const {
  return public_;
}

bytes dsa_private_key::sign(rng& r, byte_view message) const {
  detail::timed_op timed(detail::op::dsa_sign);
  bytes sig(impl_->signer.MaxSignatureLength());
  auto n = impl_->signer.SignMessage(r.engine(), message.data(), message.size(), sig.data());
  sig.resize(n);
  return sig;
}

} // namespace protobed::crypto
