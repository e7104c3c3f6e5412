// The worker processes that play explore's seeds. Job j of J plays every
// J-th seed (from + j, from + j + J, …) in a process of its own and reports a
// line per seed through a pipe ("S seed" as it starts one, "R …" with its
// outcome, "E" when its seeds are done). The parent keeps the books:
// - a worker that exits while playing a seed crashed on it: a "crash" finding
//   for that seed, and a new worker takes the job's remaining seeds;
// - a seed that runs longer than the seed timeout (wall time) is stopped, its
//   worker killed: a "timeout" finding, and a new worker goes on;
// - a worker that exits between seeds without saying it was done: a
//   "worker-died" finding; a new worker goes on if the dead one had played
//   anything (else the job's seeds stay unplayed, so a worker that dies at
//   once is not started again and again);
// - a seed a worker held and never reported (a gap in its job's seeds, or a
//   seed asked for that no worker played) is counted in `unreported`.
#pragma once

#include <string>

#include "scenarios/explore/explorer.hpp"

namespace protobed::explore {

/// The environment variable the command line takes a test hook from.
constexpr const char* test_hook_variable = "PROTOBED_EXPLORE_TEST_HOOK";

/// Test hooks (for explore's own tests, never needed in real use): a comma-
/// separated list of ACTION@SEED, SEED a number or '*' (every seed):
///   exit@S  the worker exits (status 1) while playing S, without a report
///   kill@S  the worker kills itself (SIGKILL) while playing S
///   hang@S  playing S first sleeps three times the seed timeout
///   skip@S  the worker leaves S out silently: no run, no report
///   quit@S  the worker exits (status 0) before S, between seeds
/// Empty when `spec` is well formed, else why not.
std::string test_hook_problem(const std::string& spec);

/// Plays the seeds `o` asks for over `o.jobs` worker processes, into `sum`
/// (runs, drawn items, failures by kind, unreported seeds).
void play_seeds(const target& t, const explore_options& o, explore_summary& sum,
                const explore_progress& progress);

} // namespace protobed::explore
