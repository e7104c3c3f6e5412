// What a node is given of a run's keys: every participant's public keys (the
// directory) and the private keys of the participants it runs, no others.
// The driver makes all the keys; a node no longer derives them from the run's
// seed, so neither the seed nor a node's share is enough to recover another
// participant's key. It travels in the spawn request, over the TLS link when
// the nodes use one.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "crypto/signature.hpp"

namespace protobed {

struct world;

struct key_material {
  std::map<std::string, crypto::bytes> rsa_public; ///< name -> SubjectPublicKeyInfo DER
  /// Participants that sign with DSA: the verifying key on file.
  std::map<std::string, crypto::bytes> dsa_public;
  std::map<std::string, crypto::bytes> rsa_private; ///< only the node's participants
  std::map<std::string, crypto::bytes> dsa_private; ///< only the node's participants
};

/// The directory's public keys, and the private keys of `names` only.
key_material keys_for(const world& w, const std::set<std::string>& names);

/// One line per key: "rsa-public NAME HEX" …
std::string encode_key_material(const key_material& k);
/// nullopt if a line is malformed.
std::optional<key_material> decode_key_material(const std::string& text);

} // namespace protobed
