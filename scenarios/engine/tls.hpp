// Authenticated, encrypted links between a driver and its nodes: CAF's
// OpenSSL module with certificates from a small CA that `protobed node
// --make-certs DIR` writes. Both ends present a certificate signed by the
// CA and verify the other's (mutual TLS 1.2); a peer without one, or with
// one from another CA, is refused during the handshake, before any message
// reaches an actor.
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace protobed {

/// The files one end of a link uses, all PEM: its certificate and private
/// key, and the CA certificate it trusts.
struct tls_files {
  std::string certificate;
  std::string key;
  std::string ca;
};

/// `DIR/<who>.pem`, `DIR/<who>.key` and `DIR/ca.pem` (who: "node" or
/// "driver"); throws std::runtime_error naming the first file missing.
tls_files tls_files_in(const std::string& dir, const std::string& who);

/// Loads the OpenSSL module with these files (before the system is made).
void configure_tls(caf::actor_system_config& cfg, const tls_files& files);

/// Writes a new CA (ca.pem, ca.key) and a node and a driver certificate
/// signed by it (node.pem/.key, driver.pem/.key; EC P-256, SHA-256, valid
/// for `days`) into `dir`, created if needed; keys are readable by the owner
/// only. Throws std::runtime_error on failure.
void make_certificates(const std::string& dir, int days = 825);

/// Whether a listen address stays on this host (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& host);

} // namespace protobed
