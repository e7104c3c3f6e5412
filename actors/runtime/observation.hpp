// What a participant reports about its state at the start and end of a run,
// for expectations: balances, outcomes, inbox sizes. Flat keys, e.g.
// "balance.alice" -> 75, "outcome" -> "committed".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "actors/runtime/time.hpp"

namespace protobed {

struct observation {
  std::map<std::string, std::int64_t> numbers;
  std::map<std::string, std::string> texts;
};

/// A rate a role promises, for the invariants (`promised.NAME`,
/// `promised.NAME_window_ms`): the scenario's limit, or where the scenario
/// switched it off (0) the role's own default. Switching a check off does not
/// change what the protocol promises: the invariant then shows what the check
/// stopped (a flood of codes to someone's phone).
inline void promise_rate(observation& o, const std::string& name, std::int64_t limit,
                         std::int64_t fallback, sim_time window) {
  o.numbers["promised." + name] = limit > 0 ? limit : fallback;
  o.numbers["promised." + name + "_window_ms"] =
    std::chrono::duration_cast<std::chrono::milliseconds>(window).count();
}

} // namespace protobed
