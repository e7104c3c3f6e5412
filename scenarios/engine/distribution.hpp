// Distribution over CAF's middleman: a node process publishes a node actor
// that spawns participants on request; the driver connects to the nodes,
// has them spawn the participants placed there, and wires those to its
// network actor. Every packet still passes the driver's network actor (so
// faults and taps apply), and only protobed's registered message types
// cross the wire; the protocols' own encryption protects their contents.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
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

struct node_state {
  std::string node_name;
  std::vector<std::unique_ptr<world>> worlds; ///< one per run it serves
  std::vector<caf::actor> spawned;

  static inline const char* name = "protobed.node";
};

/// The actor a node publishes. Request:
///   (pb_spawn, scenario text, file, overrides, seed, participants, network, elapsed ns)
///   -> (participant actors, error text); error text is empty on success.
caf::behavior node_actor(caf::stateful_actor<node_state>* self, std::string name);

} // namespace protobed
