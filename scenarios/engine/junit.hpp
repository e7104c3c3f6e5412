// JUnit XML for CI systems: one testcase per scenario, one failure per failed
// expectation with the observed value, the seed and the command that replays it.
#pragma once

#include <string>
#include <vector>

#include "scenarios/engine/report.hpp"

namespace protobed {

std::string render_junit(const std::vector<scenario_report>& reports);

} // namespace protobed
