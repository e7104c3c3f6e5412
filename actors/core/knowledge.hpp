// What an attacker on the wire knows: the long-term private keys it was
// handed (compromise), the symmetric keys it has learned, and the secrets it
// has seen in the clear. Protocols teach it how to read their packets with
// an analyzer; nothing is learned that the bytes and keys do not give.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "actors/core/packet.hpp"
#include "crypto/rsa.hpp"

namespace protobed {

struct secret {
  std::string what;   ///< "card", "otp", "session_key"
  std::string value;  ///< as text (keys in hex)
  std::string source; ///< "packet 6 (otp.sms)"
};

class knowledge {
public:
  std::map<std::string, crypto::rsa_private_key> private_keys; ///< owner -> key
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

std::string describe_source(const packet& p);

} // namespace protobed
