// Turns a benchmark run into figures: throughput after warm-up, latency
// percentiles, failures by reason, time per protocol step, CPU and memory,
// crypto operations per transaction, and the crypto bound.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "actors/runtime/key_pool.hpp"
#include "actors/runtime/protocol.hpp"
#include "benchmarks/crypto_costs.hpp"
#include "benchmarks/machine.hpp"
#include "crypto/counters.hpp"
#include "scenarios/engine/director.hpp"

namespace protobed::bench {

struct latency_summary {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0; ///< milliseconds
};

struct bench_result {
  std::size_t transactions = 0; ///< transactions that ended
  std::size_t warmup = 0;       ///< excluded at the start and (as cool-down) at the end
  std::size_t measured = 0;     ///< completions inside the window
  bool whole_run = false;       ///< too few transactions per initiator: measured over the whole run
  std::size_t committed = 0;
  std::map<std::string, std::size_t> failures; ///< outcome -> count
  double window_seconds = 0;                   ///< from the end of warm-up to the last outcome
  double tps = 0;                              ///< transactions per second in the window
  latency_summary latency;
  std::map<std::string, double> step_ms; ///< mean time per protocol step
  /// The protocol's setup (registration), before the window: how many
  /// participants finished it, their mean time, and first start to last end.
  struct setup_summary {
    std::string name;
    std::size_t done = 0;
    double mean_ms = 0;
    double span_ms = 0;
  };
  std::optional<setup_summary> setup;
  /// CPU and crypto were counted between resource samples inside the
  /// steady window (false: between the first and last samples of the whole
  /// run, for runs too short to have one). Throughput, crypto and CPU are
  /// all taken over that same span, so efficiency = crypto share × utilisation.
  bool counted_in_window = false;
  double cpu_ms_per_tx = 0;
  /// CPU per transaction from the run's first resource sample to its last,
  /// over every transaction that ended between them (setup included): what a
  /// run with the counters off is compared with.
  double run_cpu_ms_per_tx = 0;
  double peak_rss_mb = 0;
  std::size_t packets = 0;        ///< in the whole trace
  std::size_t window_packets = 0; ///< delivered or dropped inside the window
  // Crypto per transaction.
  double keygens = 0, private_ops = 0, public_ops = 0, symmetric_kib = 0;
  double key_loads = 0, key_exchanges = 0, password_hashes = 0;
  double crypto_ms_per_tx = 0;     ///< all crypto time measured inside this run
  double asymmetric_ms_per_tx = 0; ///< RSA, DSA, keygen
  double symmetric_ms_per_tx = 0;  ///< ciphers, MACs, hashes, KDFs, random bytes
  double key_ms_per_tx = 0;        ///< parsing and validating keys, X25519
  double password_ms_per_tx = 0;   ///< scrypt
  double estimate_ms_per_tx = 0;   ///< the same operations at standalone primitive costs
  double cores = 1;                ///< usable: affinity and cgroup quota
  double bound_tps = 0;            ///< cores / crypto time per transaction
  double efficiency = 0;           ///< tps / bound_tps = crypto_share × utilisation
  double crypto_share = 0;         ///< crypto CPU / process CPU
  double utilisation = 0;          ///< process CPU / (cores × window)
  /// Framework cost measured in this run: (process CPU − crypto) / packets.
  double framework_us_per_message = 0;
  /// Other processes' CPU over the window, as a share of the machine's
  /// online CPUs (from /proc/stat; < 0: unknown), and the steal time part.
  double other_load = -1;
  double steal = 0;
  unsigned online_cpus = 1;
  bool busy_machine = false; ///< other_load above busy_machine_threshold
  /// Keys made into pools before the run, the wall time that took, and the
  /// throughput when that time is charged to the transactions.
  std::size_t pool_keys = 0;
  double pool_seconds = 0;
  double sustained_tps = 0;
  /// What the instrumentation costs per transaction: timed scopes and
  /// resource samples, at their costs measured in this process.
  double cpu_clock_scopes = 0, wall_clock_scopes = 0, samples_per_tx = 0;
  double instrumentation_us_per_tx = 0;
  double instrumentation_share = 0; ///< of a transaction's CPU
  /// The workload's own expectations (money conserved, charged once…), checked
  /// on the benchmark run: "name: observed" for each that failed.
  std::size_t expectations = 0;
  std::vector<std::string> broken;
};

/// The process's counters at one moment of the run (trace time).
struct resource_sample {
  sim_time t{};
  crypto::op_counts ops;
  double cpu_seconds = 0;
  machine_cpu machine; ///< the whole machine's CPU time, from /proc/stat
};

/// Takes one sample now (the tick of a benchmark run).
resource_sample sample_resources(sim_time t);

/// The samples of a run, at most `limit` of them: when full, every second
/// one is dropped and from then on only every second offered one is kept,
/// so a long run keeps evenly spaced samples in bounded memory.
class sample_log {
public:
  explicit sample_log(std::size_t limit = 1 << 16)
    : limit_(limit < 2 ? 2 : limit) {}
  void offer(const resource_sample& s);
  const std::vector<resource_sample>& samples() const {
    return kept_;
  }
  std::vector<resource_sample> take() {
    return std::move(kept_);
  }

private:
  std::size_t limit_;
  std::size_t stride_ = 1;
  std::size_t offered_ = 0;
  std::vector<resource_sample> kept_;
};

struct run_resources {
  double cpu_seconds = 0;
  double peak_rss_mb = 0;
  crypto::op_counts ops; ///< made by the transactions (not while building)
  /// Sampled every few milliseconds while the run went: crypto and CPU per
  /// transaction are taken between the samples inside the throughput's
  /// window, over the transactions that ended between them.
  std::vector<resource_sample> samples;
  key_pool_tally pools; ///< key pools made while building the run
  usable_cores usable;
};

/// Other processes' CPU share above which a benchmark warns that its
/// utilisation and throughput are not a quiet machine's.
inline constexpr double busy_machine_threshold = 0.10;

/// What one timed crypto scope and one resource sample cost in this
/// process, in microseconds (measured by timing many of them).
struct instrumentation_costs {
  double cpu_clock_scope_us = 0;
  double wall_clock_scope_us = 0;
  double sample_us = 0;
};
instrumentation_costs measure_instrumentation();

/// Adds the instrumentation's estimated cost per transaction.
void apply_instrumentation(bench_result& b, const instrumentation_costs& c);

/// When each transaction `t` defines ended in the run, in order.
std::vector<std::int64_t> transaction_ends(const run_result& r, const transaction_def& t);

/// Figures for the transactions `t` defines (a protocol's registered one).
bench_result analyze(const run_result& r, const transaction_def& t, std::size_t warmup,
                     const run_resources& res);

/// Adds the standalone estimate from primitive costs measured in this process.
void apply_crypto_estimate(bench_result& b, const std::vector<primitive_cost>& costs);

/// CPU seconds used by this process so far, and its peak resident memory.
double process_cpu_seconds();
double process_peak_rss_mb();

} // namespace protobed::bench
