#include "benchmarks/crypto_costs.hpp"

#include <optional>

#include "crypto/dsa.hpp"
#include "crypto/envelope.hpp"
#include "crypto/kex.hpp"
#include "crypto/password.hpp"
#include "crypto/rsa.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::bench {

namespace {

using clock = std::chrono::steady_clock;
using namespace protobed::crypto;

constexpr std::size_t payload_size = 1024;

struct fixture;

struct primitive {
  std::string name;
  std::string what;
  std::size_t bytes;
  std::function<void(fixture&)> op;
};

/// Keys and inputs are made once, outside the timed loops.
struct fixture {
  rng r = rng::os();
  rsa_private_key rsa = rsa_private_key::generate(r);
  std::optional<dsa_private_key> dsa;
  bytes payload = r.generate(payload_size);
  bytes gcm_key = r.generate(aes_key_size);
  bytes cbc_key = r.generate(cbc_hmac_key_size);
  bytes rsa_ct = *rsa.public_key().encrypt(r, r.generate(32));
  bytes rsa_sig = rsa.sign(r, payload);
  bytes dsa_sig;
  bytes gcm_ct = *gcm_seal(r, gcm_key, payload);
  bytes cbc_ct = *cbc_hmac_seal(r, cbc_key, payload);
  bytes env = *seal(r, rsa.public_key(), payload);
  x25519_keypair a = x25519_keypair::generate(r);
  x25519_keypair b = x25519_keypair::generate(r);

  const dsa_private_key& dsa_key() {
    if (!dsa) {
      auto params = dsa_params::generate(r);
      dsa = dsa_private_key::generate(r, params);
      dsa_sig = dsa->sign(r, payload);
    }
    return *dsa;
  }
};

/// Keeps the optimiser from discarding a result.
template <class T>
void keep(const T& v) {
  asm volatile("" : : "g"(&v) : "memory");
}

const std::vector<primitive>& primitives() {
  static const std::vector<primitive> all = {
    {"rsa2048.keygen", "RSA-2048 key generation (e = 65537)", 0,
     [](fixture& f) { keep(rsa_private_key::generate(f.r)); }},
    {"rsa2048.private_op", "RSA-2048 OAEP-SHA256 decrypt (private op)", 0,
     [](fixture& f) { keep(f.rsa.decrypt(f.r, f.rsa_ct)); }},
    {"rsa2048.sign", "RSA-2048 PSS-SHA256 sign 1 KiB (private op)", 0,
     [](fixture& f) { keep(f.rsa.sign(f.r, f.payload)); }},
    {"rsa2048.public_op", "RSA-2048 OAEP-SHA256 encrypt (public op)", 0,
     [](fixture& f) { keep(f.rsa.public_key().encrypt(f.r, f.gcm_key)); }},
    {"rsa2048.verify", "RSA-2048 PSS-SHA256 verify 1 KiB (public op)", 0,
     [](fixture& f) { keep(f.rsa.public_key().verify(f.payload, f.rsa_sig)); }},
    {"dsa2048.sign", "DSA-2048/256 SHA-256 sign 1 KiB", 0,
     [](fixture& f) { keep(f.dsa_key().sign(f.r, f.payload)); }},
    {"dsa2048.verify", "DSA-2048/256 SHA-256 verify 1 KiB", 0,
     [](fixture& f) { keep(f.dsa_key().public_key().verify(f.payload, f.dsa_sig)); }},
    {"aes256gcm.seal", "AES-256-GCM seal 1 KiB (fresh IV)", payload_size,
     [](fixture& f) { keep(gcm_seal(f.r, f.gcm_key, f.payload)); }},
    {"aes256gcm.open", "AES-256-GCM open 1 KiB", payload_size,
     [](fixture& f) { keep(gcm_open(f.gcm_key, f.gcm_ct)); }},
    {"cbc_hmac.seal", "AES-256-CBC + HMAC-SHA256 seal 1 KiB (fresh IV)", payload_size,
     [](fixture& f) { keep(cbc_hmac_seal(f.r, f.cbc_key, f.payload)); }},
    {"cbc_hmac.open", "AES-256-CBC + HMAC-SHA256 open 1 KiB", payload_size,
     [](fixture& f) { keep(cbc_hmac_open(f.cbc_key, f.cbc_ct)); }},
    {"envelope.seal", "hybrid envelope seal 1 KiB (OAEP + GCM)", payload_size,
     [](fixture& f) { keep(seal(f.r, f.rsa.public_key(), f.payload)); }},
    {"envelope.open", "hybrid envelope open 1 KiB (OAEP + GCM)", payload_size,
     [](fixture& f) { keep(open(f.r, f.rsa, f.env)); }},
    {"x25519.agree", "X25519 + HKDF-SHA256 to 32 bytes", 0,
     [](fixture& f) { keep(x25519_derive(f.a.private_key, f.b.public_key, {}, {}, 32)); }},
    {"scrypt.n16384", "scrypt password hash N=16384 r=8 p=1", 0,
     [](fixture& f) { keep(hash_password(f.r, "correct horse battery staple")); }},
  };
  return all;
}

bool selected(const std::string& name, const std::vector<std::string>& only) {
  if (only.empty())
    return true;
  for (const auto& o : only)
    if (name.compare(0, o.size(), o) == 0)
      return true;
  return false;
}

primitive_cost measure(const primitive& p, fixture& f, const crypto_bench_options& opts) {
  p.op(f); // warm-up: caches, lazily made parameters
  primitive_cost c{p.name, p.what, p.bytes, 0, 0};
  auto start = clock::now();
  auto deadline = start + std::chrono::duration_cast<clock::duration>(opts.time_per_primitive);
  auto now = start;
  while (c.iterations < opts.min_iterations || now < deadline) {
    p.op(f);
    ++c.iterations;
    now = clock::now();
  }
  c.seconds = std::chrono::duration<double>(now - start).count();
  return c;
}

} // namespace

std::vector<std::string> crypto_primitive_names() {
  std::vector<std::string> names;
  for (const auto& p : primitives())
    names.push_back(p.name);
  return names;
}

std::vector<primitive_cost> measure_crypto(const crypto_bench_options& opts) {
  std::vector<const primitive*> chosen;
  for (const auto& p : primitives())
    if (selected(p.name, opts.only))
      chosen.push_back(&p);
  std::vector<primitive_cost> out;
  if (chosen.empty())
    return out;
  fixture f;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (opts.on_start)
      opts.on_start(chosen[i]->name, i, chosen.size());
    out.push_back(measure(*chosen[i], f, opts));
  }
  return out;
}

} // namespace protobed::bench
