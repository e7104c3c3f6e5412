// One explore run: the scenario file's tree with a schedule written in (its
// faults under faults:, its actions given to an attacker participant), the
// seed fixed, and expect: replaced by every invariant that applies. The same
// tree, written out, is the reproducer file: what `protobed run` plays is
// exactly what explore played.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "scenarios/engine/loader.hpp"
#include "scenarios/explore/schedule.hpp"

namespace protobed::explore {

/// A scenario file made ready to explore.
struct target {
  std::string file;
  config_node tree; ///< the file, --set overrides written in
  scenario loaded;  ///< the file as loaded: participants, hops, bounds
  std::uint64_t key_seed = 0;
  std::vector<std::string> invariants; ///< checked in every run (the attacker's with actions)
  std::vector<std::string> attacker_invariants;
  /// Secrecy, wherever it came from: a run whose schedule hands the attacker
  /// a key checks `secrecy_of_others` in its place.
  std::vector<std::string> secrecy_invariants;
  std::string attacker; ///< name of the attacker participant a schedule adds
};

/// Loads `path` (throws load_error with file:line:col).
target load_target(const std::string& path, const std::vector<option_override>& overrides = {});

/// The tree of the run for (`sched`, `seed`).
config_node with_schedule(const target& t, const schedule& sched, std::uint64_t seed);

struct broken_invariant {
  std::string name;
  std::string observed;
};

struct trial_result {
  std::uint64_t seed = 0;
  bool completed = true;
  std::string incomplete_reason;
  std::vector<broken_invariant> broken;
  bool invalid = false; ///< the schedule did not load (explore's own bug)
  /// The failure's name: the first broken invariant, "incomplete" for a run
  /// that could not finish, "invalid-schedule"; empty when it passed.
  std::string failure() const;
};

/// Plays (`sched`, `seed`) in simulation and checks the invariants.
trial_result run_trial(const target& t, const schedule& sched, std::uint64_t seed);

} // namespace protobed::explore
