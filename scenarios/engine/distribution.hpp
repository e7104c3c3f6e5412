// Distribution over CAF's middleman: a node process publishes a node actor
// that spawns participants on request; the driver connects to the nodes,
// has them spawn the participants placed there, and wires those to its
// network actor. Every packet still passes the driver's network actor (so
// faults and taps apply), and only protobed's registered message types
// cross the wire; the protocols' own encryption protects their contents.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <caf/all.hpp>

#include "scenarios/engine/world.hpp"

namespace protobed {

struct node_address {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses "n1=127.0.0.1:4001,n2=host:4002"; nullopt if malformed.
std::optional<std::map<std::string, node_address>> parse_nodes(const std::string& text);
/// Parses "HOST:PORT"; nullopt if malformed.
std::optional<node_address> parse_address(const std::string& text);

/// One run a node serves: the participants it spawned for a driver, and
/// the world their cores live in.
struct node_run {
  std::vector<std::unique_ptr<world>> worlds; ///< one per request (a driver sends one)
  std::set<caf::actor_addr> live;             ///< spawned participants not yet down
  std::size_t spawned = 0;
  bool driver_gone = false; ///< the run's network actor is down: the run is over
};

struct node_state {
  std::string node_name;
  /// The runs being served, by their driver's network actor. A node monitors
  /// that actor: when it goes down (the run ended, or the driver died or
  /// lost its connection) the run's participants are stopped, and once
  /// they are all down the run's world is freed. A node holds nothing of a
  /// run that is over, however many it serves.
  std::map<caf::actor_addr, node_run> runs;
  std::map<caf::actor_addr, caf::actor_addr> run_of; ///< participant -> its run's driver
  std::size_t served = 0;
  /// Called with a line for the node's log when a run starts or is freed.
  std::function<void(const std::string&)> log;

  static inline const char* name = "protobed.node";
};

/// The actor a node publishes. Requests:
///   (pb_spawn, scenario text, file, overrides, seed, participants, keys, network,
///    elapsed ns), keys: encode_key_material of the public directory and these
///    participants' private keys (the node makes no keys of its own)
///   -> (participant actors, error text); error text is empty on success.
///   (pb_status) -> (runs held, runs served)
caf::behavior node_actor(caf::stateful_actor<node_state>* self, std::string name,
                         std::function<void(const std::string&)> log = nullptr);

} // namespace protobed
