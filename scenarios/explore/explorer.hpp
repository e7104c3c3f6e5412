// `protobed explore`: plays one scenario under many drawn schedules (one per
// seed), in parallel over worker processes, counts what broke, and shrinks
// the first failure of each kind to a reproducer file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/explore/shrink.hpp"

namespace protobed::explore {

struct explore_options {
  std::uint64_t from = 1;                        ///< first seed
  std::optional<std::uint64_t> seeds;            ///< how many seeds (default 100 unless `time`)
  std::optional<std::chrono::milliseconds> time; ///< explore until this much time passed
  unsigned jobs = 1;                             ///< worker processes (1: in this process)
  std::string out_dir = "explore-out";           ///< where reproducers go
  bool shrink = true;
  std::string command; ///< the command line, for the reproducer's header
};

struct failure_summary {
  std::string name; ///< the invariant, "incomplete" or "invalid-schedule"
  std::uint64_t count = 0;
  std::vector<std::uint64_t> seeds; ///< the first few
  std::string observed;             ///< of the first seed
  std::size_t original_items = 0;   ///< of the first seed's schedule
  std::size_t minimal_items = 0;    ///< after shrinking
  std::size_t shrink_runs = 0;
  std::vector<std::string> schedule; ///< the minimal schedule, an item a line
  std::string reproducer;            ///< its file
};

struct explore_summary {
  std::string file;
  std::uint64_t from = 0;
  std::uint64_t runs = 0;
  std::uint64_t last_seed = 0; ///< highest seed played
  unsigned jobs = 1;
  double seconds = 0; ///< exploring, without shrinking
  double shrink_seconds = 0;
  double cpu_seconds = 0;   ///< of the workers, while exploring
  std::uint64_t faults = 0; ///< drawn over all runs
  std::uint64_t actions = 0;
  std::map<std::string, failure_summary> failures;

  bool passed() const {
    return failures.empty();
  }
  double runs_per_second() const {
    return seconds > 0 ? static_cast<double>(runs) / seconds : 0;
  }
};

/// Called about four times a second while exploring, and once per shrink run
/// (`stage` "exploring" or "shrinking <failure>").
using explore_progress = std::function<void(const std::string& stage, const explore_summary&)>;

explore_summary explore_target(const target& t, const explore_options& o,
                               const explore_progress& progress = {});

/// The reproducer file for a shrunk failure.
std::string reproducer_text(const target& t, const shrunk& s, std::uint64_t seed,
                            const std::string& failure, const std::string& command);

} // namespace protobed::explore
