// Shrinking a failing schedule: delta debugging over its items (drop every
// fault and action the failure does not need), then over their parameters
// (leave out optional ones, take the first occurrence, zero the delays),
// keeping each change only if the same failure still happens.
#pragma once

#include <functional>
#include <string>

#include "scenarios/explore/trial.hpp"

namespace protobed::explore {

struct shrunk {
  schedule minimal;
  trial_result trial; ///< the run of the minimal schedule
  std::size_t runs = 0;
  std::size_t original_items = 0;
};

/// Called after each attempted run with the number of items left.
using shrink_progress = std::function<void(std::size_t runs, std::size_t items)>;

/// `failure` is trial_result::failure() of (`sched`, `seed`).
shrunk shrink(const target& t, const schedule& sched, std::uint64_t seed,
              const std::string& failure, const shrink_progress& progress = {});

/// Whether a run shows `failure` (a broken invariant of that name anywhere
/// in its list, or the same kind of incomplete run).
bool shows(const trial_result& r, const std::string& failure);

} // namespace protobed::explore
