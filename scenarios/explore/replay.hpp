// Replays a reproducer once, as `protobed run` plays it (its text loaded as
// a scenario file, played, its expectations checked), in a child process
// under a wall-time bound: a reproducer of a crash or a hang is seen to
// crash or hang, without taking explore down with it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "scenarios/explore/trial.hpp"

namespace protobed::explore {

struct replay_outcome {
  /// What failed: broken invariants by name, "incomplete", "invalid-schedule"
  /// (the text does not load), "exception", "crash" (the replay's process
  /// died), "timeout" (it took longer than the bound). Empty: it passed.
  std::vector<broken_invariant> failures;

  /// Whether the replay failed with `failure` (among others).
  bool shows(const std::string& failure) const;
  /// In a few words: "passed", "failed with X (observed: …)".
  std::string describe() const;
};

/// Plays `text` (a scenario file; `name` stands in for its path in errors)
/// once in a child process, stopped after `timeout` of wall time.
replay_outcome replay_reproducer(const std::string& text, const std::string& name,
                                 std::chrono::milliseconds timeout);

} // namespace protobed::explore
