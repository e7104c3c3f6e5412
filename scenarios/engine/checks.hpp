// Expectations and invariants, checked against a finished run.
#pragma once

#include <string>
#include <vector>

#include "scenarios/engine/director.hpp"
#include "scenarios/engine/schema.hpp"

namespace protobed {

struct check_result {
  std::string text; ///< "outcome of alice is committed"
  bool passed = false;
  std::string observed; ///< what the run showed, e.g. "aborted: insufficient-funds"
  source_pos pos;
  /// For a failed check: the few trace records that decided it (the events it
  /// counted, the last packets to the participant), in trace order.
  std::vector<trace_record> evidence;
};

std::vector<check_result> check_expectations(const scenario& s, const run_result& r);

} // namespace protobed
