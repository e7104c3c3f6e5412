// What every participant may know about the others before a run starts: names
// and roles, long-term public keys (like installed certificates) and phone
// numbers. Built once per run, then read-only (safe to share across threads).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "crypto/rsa.hpp"
#include "crypto/signature.hpp"

namespace protobed {

class directory {
public:
  void add_participant(const std::string& name, const std::string& role);
  void add_public_key(const std::string& name, crypto::rsa_public_key key);
  /// The key `name` signs with when its role lets it choose (RSA-PSS with its
  /// long-term key, or DSA): what others keep on file to verify it.
  void add_verifying_key(const std::string& name, crypto::verifying_key key);
  void add_phone(const std::string& phone, const std::string& owner);
  void add_kind(const std::string& kind);
  /// Whether some role in the run sends or receives packets of this kind.
  bool knows_kind(const std::string& kind) const;
  const std::set<std::string>& kinds() const {
    return kinds_;
  }

  bool has(const std::string& name) const;
  /// Role of `name`, or "" if there is no such participant.
  std::string role_of(const std::string& name) const;
  /// Long-term public key of `name`, if it has one.
  const crypto::rsa_public_key* public_key(const std::string& name) const;
  /// The key on file to verify `name`'s signatures: its signing key if it
  /// has one, else its long-term RSA key; null when it has neither.
  const crypto::verifying_key* verifying_key(const std::string& name) const;
  /// The participant whose phone has this number, or "".
  std::string phone_owner(const std::string& phone) const;
  /// The phone number `name` answers, or "".
  std::string phone_of(const std::string& name) const;
  const std::map<std::string, std::string>& participants() const {
    return roles_;
  }

private:
  std::map<std::string, std::string> roles_;
  std::map<std::string, crypto::rsa_public_key> keys_;
  std::map<std::string, crypto::verifying_key> verifying_;
  std::map<std::string, std::string> phones_;
  std::set<std::string> kinds_;
};

} // namespace protobed
