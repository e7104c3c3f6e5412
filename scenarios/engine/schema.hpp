// A scenario as plain structs: what the loader produces from YAML and what
// the director plays. See docs/scenario-format.md for the file format.
#pragma once

#include <any>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "actors/runtime/network.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/runtime/registry.hpp"

namespace protobed {

struct participant_spec {
  std::string name;
  const role_info* role = nullptr;
  std::any config; ///< parsed by the role
  std::string phone;
  source_pos pos;
  unsigned workers = 0; ///< `workers: N`: offloaded work runs on N worker actors
};

struct step_spec {
  sim_time at{0};
  std::string who;
  command cmd;
  source_pos pos;
};

enum class expectation_type : std::uint8_t { outcome, balance, event, no_event, invariant, broken };

struct expectation {
  expectation_type type = expectation_type::outcome;
  std::string who;         ///< client (outcome), bank (balance), participant (event) or "*"
  std::string subject;     ///< account holder (balance), event name, invariant name
  std::string expected;    ///< outcome text
  std::int64_t number = 0; ///< balance
  std::optional<std::int64_t> count;          ///< event: exact number of occurrences
  std::map<std::string, std::string> details; ///< event: details that must match
  source_pos pos;
};

struct scenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  bool real_mode = false;
  sim_time time_limit = std::chrono::hours(1);
  network_config network;
  std::vector<participant_spec> participants;
  std::vector<step_spec> steps; ///< in time order (stable for equal times)
  std::vector<expectation> expect;
  std::vector<std::string> overrides; ///< --set values it was loaded with, for replay
  std::string text;                   ///< the file's text, for nodes to load the same scenario
  /// participant -> node name; used only when the run is given --nodes.
  std::map<std::string, std::string> placement;
  /// The registry the scenario was loaded against (roles, protocols, invariants).
  const role_registry* roles = nullptr;

  const participant_spec* find(const std::string& name) const;
  /// `roles`, or the built-in registry for a scenario built by hand.
  const role_registry& registry() const {
    return roles ? *roles : builtin_roles();
  }
};

} // namespace protobed
