// `protobed explore`: plays one scenario under many drawn schedules (one per
// seed), in parallel over worker processes, counts what broke, and shrinks
// the first failure of each kind to a reproducer file, which it replays once
// before writing it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/explore/replay.hpp"
#include "scenarios/explore/shrink.hpp"

namespace protobed::explore {

struct explore_options {
  std::uint64_t from = 1;                        ///< first seed
  std::optional<std::uint64_t> seeds;            ///< how many seeds (default 100 unless `time`)
  std::optional<std::chrono::milliseconds> time; ///< explore until this much time passed
  unsigned jobs = 1;                             ///< worker processes
  std::chrono::milliseconds seed_timeout{60000}; ///< wall time one seed may take (watchdog)
  std::string out_dir = "explore-out";           ///< where reproducers go
  bool shrink = true;
  std::string command; ///< the command line, for the reproducer's header
  /// Test hook (`PROTOBED_EXPLORE_TEST_HOOK`): "ACTION@SEED,…" makes a worker
  /// misbehave on a seed (see workers.hpp); empty in real use.
  std::string test_hook;
};

/// The shortest `--time`: a shorter one may allow no run at all.
constexpr std::chrono::milliseconds min_time{1000};

/// Why `o` cannot explore (one line, without "explore: "); empty when it can.
std::string options_problem(const explore_options& o);

/// A failure of one kind: a broken invariant, or one of the names below.
/// "incomplete" the run could not finish, "invalid-schedule" explore drew a
/// schedule the loader refuses, "exception" something threw out of the run,
/// "crash" the worker exited during the seed, "timeout" the seed took longer
/// than the seed timeout, "worker-died" a worker exited between seeds.
struct failure_summary {
  std::string name;
  std::uint64_t count = 0;
  std::vector<std::uint64_t> seeds; ///< the first few (none for "worker-died")
  std::string observed;             ///< of the first seed
  std::size_t original_items = 0;   ///< of the first seed's schedule
  std::size_t minimal_items = 0;    ///< after shrinking
  std::size_t shrink_runs = 0;
  std::vector<std::string> schedule; ///< the minimal schedule, an item a line
  std::string reproducer;            ///< its file (none for "worker-died")
  bool reproduced = false;           ///< the reproducer, replayed once, failed the same way
  std::string replay;                ///< what that replay showed
};

struct explore_summary {
  std::string file;
  std::uint64_t from = 0;
  std::optional<std::uint64_t> asked; ///< seeds asked for (with --seeds)
  std::uint64_t runs = 0;             ///< seeds reported (a crash or timeout counts)
  std::uint64_t last_seed = 0;        ///< highest seed played
  unsigned jobs = 1;
  double seconds = 0; ///< exploring, without shrinking
  double shrink_seconds = 0;
  double cpu_seconds = 0;   ///< of the workers, while exploring
  std::uint64_t faults = 0; ///< drawn over all runs
  std::uint64_t actions = 0;
  std::uint64_t unreported = 0;                ///< seeds a worker held and never reported
  std::vector<std::uint64_t> unreported_seeds; ///< the first few
  std::map<std::string, failure_summary> failures;

  /// Why the runs do not add up to the seeds asked for (or no seed ran);
  /// empty when they do.
  std::string runs_problem() const;
  bool passed() const {
    return failures.empty() && runs_problem().empty();
  }
  double runs_per_second() const {
    return seconds > 0 ? static_cast<double>(runs) / seconds : 0;
  }
};

/// Called about four times a second while exploring, and once per shrink run
/// (`stage` "exploring", "shrinking <failure>" or "replaying <failure>").
using explore_progress = std::function<void(const std::string& stage, const explore_summary&)>;

explore_summary explore_target(const target& t, const explore_options& o,
                               const explore_progress& progress = {});

/// What a reproducer's header says besides its schedule.
struct reproducer_notes {
  std::string observed;                 ///< of the failure (else the shrunk run's)
  std::optional<replay_outcome> replay; ///< explore's replay of the file, once done
};

/// The reproducer file for a shrunk failure.
std::string reproducer_text(const target& t, const shrunk& s, std::uint64_t seed,
                            const std::string& failure, const std::string& command,
                            const reproducer_notes& notes = {});

} // namespace protobed::explore
