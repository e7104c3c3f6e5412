// What an attacker on the wire knows: the long-term private keys it was
// handed (compromise), the symmetric keys it has learned, and the secrets it
// has seen in the clear. Protocols teach it how to read their packets with
// an analyzer; nothing is learned that the bytes and keys do not give.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/packet.hpp"
#include "crypto/rsa.hpp"
#include "crypto/signature.hpp"

namespace protobed {

struct secret {
  std::string what;   ///< "card", "otp", "session_key"
  std::string value;  ///< as text (keys in hex)
  std::string source; ///< "packet 6 (otp.sms)"
};

class knowledge {
public:
  std::map<std::string, crypto::rsa_private_key> private_keys; ///< owner -> key
  /// owner -> the key it signs with, where that is not its RSA key (DSA).
  std::map<std::string, crypto::signing_key> signing_keys;
  std::vector<crypto::bytes> symmetric_keys;

  /// Records a secret once; true if it is new.
  bool learn(secret s);
  void learn_key(crypto::bytes key);
  const std::vector<secret>& secrets() const {
    return secrets_;
  }

private:
  std::vector<secret> secrets_;
};

/// Reads what it can from one packet with the knowledge so far.
using analyzer = std::function<void(const packet& p, knowledge& k, crypto::rng& r)>;

/// What a forgery may use: what the attacker knows, its own key pair, and the
/// public directory.
struct forge_context {
  knowledge& known;
  /// The key it signs with: its own, or one it stole (impersonate's sign_with).
  const crypto::rsa_private_key& own_key;
  /// Fields the script sets in what it forges, as text (e.g. amount: "90").
  const std::map<std::string, std::string>& fields;
  const class directory& dir;
  crypto::rng& rng;
};

/// A protocol's forgeries. Each returns the packet to send, or nullopt when
/// the attacker cannot build it from what it knows.
struct forger {
  /// Answers `request` in the name of `as`, signing with the attacker's own key.
  std::function<std::optional<packet>(const packet& request, const std::string& as,
                                      forge_context& f)>
    impersonate;
  /// `p` with the public key it carries replaced by the attacker's own.
  std::function<std::optional<packet>(const packet& p, forge_context& f)> substitute_key;
  /// The kinds `impersonate` answers (what explore's dishonest receiver draws on).
  std::vector<std::string> answers = {};
};

std::string describe_source(const packet& p);

} // namespace protobed
