// What a run tells its user: a console summary and a versioned JSON report.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/director.hpp"

namespace protobed {

struct scenario_report {
  const scenario* s = nullptr;
  run_result run;
  std::vector<check_result> checks;

  bool passed() const; ///< completed and every expectation held
  std::size_t failures() const;
};

/// The console summary of one scenario.
void print_report(std::ostream& out, const scenario_report& r, bool color);
/// The verdict alone: "PASS (5/5 expectations held)", or FAIL with the replay command.
void print_verdict(std::ostream& out, const scenario_report& r, bool color);

/// The JSON report of several scenarios ("format": 1).
nlohmann::ordered_json report_json(const std::vector<scenario_report>& reports);

/// The command that replays a run exactly.
std::string replay_command(const scenario_report& r);

} // namespace protobed
