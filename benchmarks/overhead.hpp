// What the instrumentation costs, measured: the workload runs once more with
// the crypto counters switched on and off in alternate time slices, and the
// CPU per transaction of the "on" slices is compared with the "off" slices'
// over the steady window. Interleaving cancels what moves between runs on a
// shared machine (±10–20 % here), which a separate run with the counters off
// could not.
#pragma once

#include <vector>

#include "actors/runtime/protocol.hpp"
#include "benchmarks/analysis.hpp"
#include "scenarios/engine/director.hpp"

namespace protobed::bench {

/// One resource sample of the interleaved run, and whether the counters were
/// on from it to the next sample.
struct slice_sample {
  resource_sample at;
  bool counting = true;
};

struct overhead_result {
  std::size_t pairs = 0;     ///< on/off slice pairs inside the steady window
  double on_cpu_ms = 0;      ///< CPU per transaction with the counters on
  double off_cpu_ms = 0;     ///< and off
  double overhead = 0;       ///< on / off − 1
  double standard_error = 0; ///< of `overhead`, by the jackknife over slice pairs
};

/// The slice (0, 1, 2 …) a moment of the run falls in.
std::size_t slice_of(sim_time t, sim_time slice);

/// Whether the counters are on in slice `k`. Slices pair up (0-1, 2-3 …) and
/// the pairs alternate on-off, off-on (ABBA), so a steady drift over the run
/// (a growing trace, a warming cache) cancels instead of biasing the result.
bool counting_in_slice(std::size_t k);

/// Compares the slices of a run made with counting toggled every `slice`.
overhead_result compare_slices(const run_result& r, const transaction_def& t, std::size_t warmup,
                               const std::vector<slice_sample>& samples, sim_time slice);

} // namespace protobed::bench
