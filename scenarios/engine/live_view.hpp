// The live view of `protobed run --verbose`: one line per trace record as it
// is made, with its (virtual) time, participant and reason.
#pragma once

#include <string>
#include <vector>

#include "actors/runtime/trace.hpp"

namespace protobed {

/// How much the live view shows.
enum class live_level : int {
  quiet = 0,   ///< nothing
  events = 1,  ///< events, and packets that were not simply delivered (-v)
  packets = 2, ///< every packet and release too (-vv)
};

/// What each fault rule of a scenario is called in a line: "drop rule, line 33".
std::vector<std::string> fault_names(const network_config& n);

/// The record as one line (no newline), or "" when `level` leaves it out.
/// With `color`, ANSI colours for a terminal; with `faults` (fault_names of
/// the scenario), a faulted packet names the rules that applied.
std::string live_line(const trace_record& rec, live_level level, bool color,
                      const std::vector<std::string>* faults = nullptr);

} // namespace protobed
