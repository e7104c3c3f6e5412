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
/// `promised.NAME_window_ms`): the scenario's limit and window, or where the
/// scenario switched the limit off (0) the role's own defaults, both of them.
/// Switching a check off does not change what the protocol promises: the
/// invariant then shows what the check stopped (a flood of codes to someone's
/// phone).
inline void promise_rate(observation& o, const std::string& name, std::int64_t limit,
                         sim_time window, std::int64_t default_limit, sim_time default_window) {
  bool off = limit <= 0;
  o.numbers["promised." + name] = off ? default_limit : limit;
  o.numbers["promised." + name + "_window_ms"] =
    std::chrono::duration_cast<std::chrono::milliseconds>(off ? default_window : window).count();
}

} // namespace protobed
