// A schedule: the faults and attacker actions one explore run adds to a
// scenario, drawn from a seed within the scenario's `explore:` bounds. Each
// item is written exactly as a scenario file would say it ({drop: {…}} under
// faults:, {replay: {…}} under an attacker's actions:), so a schedule is
// applied, shrunk and written out without a second vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "scenarios/engine/schema.hpp"

namespace protobed::explore {

struct schedule_item {
  /// A fault (under faults:), an attacker action (under an attacker's
  /// actions:), or a step of an insider ({at, PARTICIPANT: {VERB: …}} under steps:).
  enum class part : std::uint8_t { fault, action, step };
  part where = part::fault;
  /// A map with one entry: the fault or action and its options.
  config_node body;

  const std::string& type() const {
    return body.entries.front().key;
  }
  /// One line: "fault drop {kind: ecommerce.pm_po, probability: 0.12}".
  std::string describe() const;
};

struct schedule {
  std::vector<schedule_item> items;
  std::size_t faults() const;
  /// Attacker actions and insiders' steps: everything the attacker does.
  std::size_t actions() const;
};

/// Draws the schedule for `seed`: how many faults and actions, of which
/// kinds, on which participants and hops, with what parameters — all from
/// the seed, within `s.explore`. Same scenario and seed, same schedule.
/// A schedule that forges may also hand the attacker long-term keys
/// (`compromise` actions, before the others), drawn from a stream of their
/// own: the faults, and the actions up to the first forge, are drawn as
/// without them.
schedule draw_schedule(const scenario& s, std::uint64_t seed);

/// The name the attacker of an explored run takes: "mallory", or the first
/// of mallory2, mallory3, … that no participant has.
std::string attacker_name(const scenario& s);

/// The packet kinds the scenario's participants send or receive that some
/// registered protocol lists as a hop, with the roles at either end.
struct hop_choice {
  std::string kind;
  std::string from_role, to_role;     ///< the roles at either end (hop_doc)
  std::vector<std::string> senders;   ///< participants playing the sending role
  std::vector<std::string> receivers; ///< participants playing the receiving role
};
std::vector<hop_choice> hops_in(const scenario& s);

} // namespace protobed::explore
