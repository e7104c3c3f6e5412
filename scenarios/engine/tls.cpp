#include "scenarios/engine/tls.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace protobed {

namespace {

namespace fs = std::filesystem;

template <class T, void (*Free)(T*)>
struct deleter {
  void operator()(T* p) const {
    Free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("cannot make certificates: " + what);
}

pkey_ptr new_key() {
  pkey_ptr key(EVP_EC_gen("P-256"));
  if (!key)
    fail("EC key generation failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext || X509_add_ext(cert, ext, -1) != 1)
    fail("cannot add a certificate extension");
  X509_EXTENSION_free(ext);
}

/// A certificate for `key` named `cn`, signed by `issuer_key` (itself for the CA).
x509_ptr new_certificate(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
                         long serial, int days) {
  x509_ptr cert(X509_new());
  if (!cert)
    fail("out of memory");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("protobed"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  bool is_ca = issuer == nullptr;
  X509_set_issuer_name(cert.get(), is_ca ? name : X509_get_subject_name(issuer));
  X509* signer = is_ca ? cert.get() : issuer;
  add_extension(cert.get(), signer, NID_basic_constraints,
                is_ca ? "critical,CA:TRUE,pathlen:0" : "critical,CA:FALSE");
  add_extension(cert.get(), signer, NID_key_usage,
                is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  if (!is_ca)
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0)
    fail("signing failed");
  return cert;
}

template <class Write>
void write_pem(const fs::path& path, bool secret, Write write) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f)
    fail("cannot write " + path.string());
  if (secret)
    ::chmod(path.c_str(), 0600);
  bool ok = write(f) == 1;
  ok = std::fclose(f) == 0 && ok;
  if (!ok)
    fail("cannot write " + path.string());
}

void save(const fs::path& dir, const std::string& stem, EVP_PKEY* key, X509* cert) {
  write_pem(dir / (stem + ".key"), true, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(dir / (stem + ".pem"), false, [&](FILE* f) { return PEM_write_X509(f, cert); });
}

} // namespace

tls_files tls_files_in(const std::string& dir, const std::string& who) {
  tls_files t{(fs::path(dir) / (who + ".pem")).string(), (fs::path(dir) / (who + ".key")).string(),
              (fs::path(dir) / "ca.pem").string()};
  for (const auto* f : {&t.certificate, &t.key, &t.ca})
    if (!fs::is_regular_file(*f))
      throw std::runtime_error(*f +
                               " does not exist (make the files with 'protobed node "
                               "--make-certs " +
                               dir + "')");
  return t;
}

void configure_tls(caf::actor_system_config& cfg, const tls_files& files) {
  cfg.openssl_certificate = files.certificate;
  cfg.openssl_key = files.key;
  cfg.openssl_cafile = files.ca;
  cfg.load<caf::openssl::manager>();
}

void make_certificates(const std::string& dir, int days) {
  fs::path out(dir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec)
    fail("cannot create " + dir + ": " + ec.message());
  auto ca_key = new_key();
  auto ca = new_certificate(ca_key.get(), "protobed CA", nullptr, ca_key.get(), 1, days);
  save(out, "ca", ca_key.get(), ca.get());
  long serial = 2;
  for (const std::string who : {"node", "driver"}) {
    auto key = new_key();
    auto cert =
      new_certificate(key.get(), "protobed " + who, ca.get(), ca_key.get(), serial++, days);
    save(out, who, key.get(), cert.get());
  }
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

} // namespace protobed
