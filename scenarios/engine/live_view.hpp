// The live view of `protobed run --verbose`: one line per trace record as it
// is made, with its (virtual) time, participant and reason.
#pragma once

#include <string>

#include "actors/runtime/trace.hpp"

namespace protobed {

/// How much the live view shows.
enum class live_level : int {
  quiet = 0,   ///< nothing
  events = 1,  ///< events, and packets that were not simply delivered (-v)
  packets = 2, ///< every packet and release too (-vv)
};

/// The record as one line (no newline), or "" when `level` leaves it out.
/// With `color`, ANSI colours for a terminal.
std::string live_line(const trace_record& rec, live_level level, bool color);

} // namespace protobed
