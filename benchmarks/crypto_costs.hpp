// Measures what each crypto/ primitive costs on this machine, in this run.
// `protobed bench crypto` prints these; protocol benchmarks divide by them
// to get their crypto bound.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace protobed::bench {

struct primitive_cost {
  std::string name;      ///< stable id, e.g. "rsa2048.private_op"
  std::string what;      ///< one line for people
  std::size_t bytes = 0; ///< payload per op, 0 if not a byte-stream op
  std::uint64_t iterations = 0;
  double seconds = 0; ///< wall time over all iterations

  double ops_per_second() const {
    return seconds > 0 ? iterations / seconds : 0;
  }
  double micros_per_op() const {
    return iterations > 0 ? seconds * 1e6 / iterations : 0;
  }
};

struct crypto_bench_options {
  /// Minimum time spent on each primitive (at least `min_iterations` runs).
  std::chrono::duration<double> time_per_primitive{0.3};
  std::uint64_t min_iterations = 3;
  /// Names (or name prefixes) to measure; empty = all.
  std::vector<std::string> only;
  /// Called before each primitive with its name and position, for progress.
  std::function<void(const std::string&, std::size_t, std::size_t)> on_start;
};

/// Every primitive's stable name, in measurement order.
std::vector<std::string> crypto_primitive_names();

std::vector<primitive_cost> measure_crypto(const crypto_bench_options& opts);

} // namespace protobed::bench
