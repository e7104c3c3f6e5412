// Everything a run needs before any actor exists: the directory (names,
// roles, phones, long-term public keys), the key vault, each participant's
// core and RNG, and the network's decisions. The driver builds the whole
// world; a node builds the same directory from the public keys the driver
// sends, with the private keys of its own participants only, and only its
// own cores.
#pragma once

#include <map>
#include <memory>
#include <set>

#include "actors/runtime/directory.hpp"
#include "actors/runtime/network.hpp"
#include "actors/shell/participant_actor.hpp"
#include "scenarios/engine/key_material.hpp"
#include "scenarios/engine/schema.hpp"

namespace protobed {

struct world_options {
  std::uint64_t seed = 1;
  bool real = false; ///< OS randomness for participants and the network
  /// Long-term keys from the seed even in real mode, so that separate
  /// processes (nodes) derive the same directory.
  bool deterministic_keys = false;
  /// Build cores only for these participants (a node's share); null = all.
  const std::set<std::string>* only = nullptr;
  /// The keys, as the driver made them (a node's share): the directory's
  /// public keys and these participants' private keys. Null: make them.
  const key_material* keys = nullptr;
};

struct world {
  directory dir;
  std::map<std::string, crypto::rsa_private_key> keys; ///< the vault, for the attacker
  /// DSA signing keys of the participants that chose DSA.
  std::map<std::string, crypto::signing_key> signing_keys;
  std::map<std::string, std::shared_ptr<core_slot>> cores;
  std::map<std::string, std::shared_ptr<crypto::rng>> rngs;
  std::shared_ptr<network_core> network;
  sim_time queue_delay_limit = std::chrono::seconds(10); ///< for each participant's shell
  std::map<std::string, unsigned> workers; ///< participant -> worker actors for offloaded work

  world() = default;
  world(const world&) = delete; // cores keep references to `dir`
  world& operator=(const world&) = delete;
};

void build_world(const scenario& s, const world_options& o, world& w);

} // namespace protobed
