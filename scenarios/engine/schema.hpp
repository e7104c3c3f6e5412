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

enum class expectation_type : std::uint8_t {
  outcome,
  balance,
  event,
  no_event,
  invariant,
  broken,
  any_of,  ///< one of `alternatives` (events) occurs
  follows, ///< every `alternatives[0]` is followed by a matching `alternatives[1]`
};

/// How many times an event must occur: exactly N (min = max), at least, at most.
struct count_bound {
  std::optional<std::int64_t> min, max;
};

struct expectation {
  expectation_type type = expectation_type::outcome;
  std::string who;         ///< client (outcome), bank (balance), participant (event) or "*"
  std::string subject;     ///< account holder (balance), event name, invariant name
  std::string expected;    ///< outcome text
  std::int64_t number = 0; ///< balance
  std::optional<count_bound> count;           ///< event: occurrences (default: at least 1)
  std::map<std::string, std::string> details; ///< event: details that must match
  /// any_of: the events, one of which must occur; follows: {first, then}.
  std::vector<expectation> alternatives;
  std::vector<std::string> same;  ///< follows: fields equal in first and then
  std::optional<sim_time> within; ///< follows: then comes at most this long after first
  source_pos pos;
};

/// `explore:` — the bounds within which `protobed explore` draws a schedule
/// of faults and attacker actions for this scenario (docs/explore.md).
struct explore_bounds {
  std::uint32_t min_faults = 0; ///< `faults: 0..3`: how many faults a schedule has
  std::uint32_t max_faults = 3;
  std::uint32_t min_actions = 0; ///< `actions: 0..2`: how many attacker actions
  std::uint32_t max_actions = 2;
  /// `fault_kinds`: which faults it may draw (default: all eight).
  std::vector<std::string> fault_kinds = {"drop",    "delay",     "duplicate", "reorder",
                                          "corrupt", "partition", "offline",   "crash"};
  /// `attacks`: which attacker actions it may draw (default: all five).
  std::vector<std::string> attacks = {"replay", "tamper", "drop",        "inject",
                                      "forge",  "delay",  "impersonate", "substitute_key"};
  /// `horizon`: faults start and actions fire before this (default: the
  /// last step + 10s).
  std::optional<sim_time> horizon;
  double max_probability = 0.3; ///< highest chance a packet fault applies to a packet
  /// `always_up`: participants never crashed, taken offline or cut off.
  std::vector<std::string> always_up;
  /// `compromises: 0..1`: how many long-term keys a schedule that forges
  /// hands the attacker (of participants other than attackers that have one).
  std::uint32_t min_compromises = 0;
  std::uint32_t max_compromises = 1;
  /// `sessions: 0..1`: how many sessions of its own the attacker opens (a
  /// forged login or hello with a secret it chose) and forges records in.
  std::uint32_t min_sessions = 0;
  std::uint32_t max_sessions = 1;
  /// `insiders: 0..1`: how many participants the attacker controls, each
  /// made to give commands its role lists as an insider's (role_info::
  /// insider_commands) besides its scripted steps.
  std::uint32_t min_insiders = 0;
  std::uint32_t max_insiders = 1;
  /// Floods: an insider command that can repeat itself (`{count}`) or an
  /// enrolment of the attacker's own, repeated flood_size times.
  std::uint32_t min_floods = 0;
  std::uint32_t max_floods = 1;
  /// `forge_as`: in whose name a forge may go: a participant playing its
  /// kind's sending role, any participant, or the receiver of the packet it
  /// answers (back to that packet's sender).
  std::vector<std::string> forge_as = {"sender", "anyone", "receiver"};
  /// `forge_values`: where forged fields may come from besides the schema's
  /// defaults: the matched packet, a packet observed on any tapped link
  /// (opaque bytes copied whole), extreme integers, and keys (sign with a
  /// stolen key, seal for or carry anyone's public key), and a phished
  /// participant's credentials (its id and password, never with its key).
  std::vector<std::string> forge_values = {"matched", "observed", "extreme",
                                           "words",   "keys",     "phished"};
};

struct scenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  /// `key_seed:`: long-term and session keys, and the set-up's salts and key
  /// pools, come from this seed instead of `seed` (so runs with different
  /// seeds share them; explore sets it).
  std::optional<std::uint64_t> key_seed;
  bool real_mode = false;
  sim_time time_limit = std::chrono::hours(1);
  network_config network;
  std::vector<participant_spec> participants;
  std::vector<step_spec> steps; ///< in time order (stable for equal times)
  std::vector<expectation> expect;
  explore_bounds explore;
  std::vector<std::string> overrides; ///< --set values it was loaded with, for replay
  std::string text;                   ///< the file's text, for nodes to load the same scenario
  /// participant -> node name; used only when the run is given --nodes.
  std::map<std::string, std::string> placement;
  /// `participants: NAME: {group: N, …}`: group name -> its members, in order.
  std::map<std::string, std::vector<std::string>> groups;
  /// The registry the scenario was loaded against (roles, protocols, invariants).
  const role_registry* roles = nullptr;

  const participant_spec* find(const std::string& name) const;
  /// `roles`, or the built-in registry for a scenario built by hand.
  const role_registry& registry() const {
    return roles ? *roles : builtin_roles();
  }
};

} // namespace protobed
