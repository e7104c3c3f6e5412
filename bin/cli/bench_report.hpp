// `protobed bench <protocol>`: what the command was asked, what it measured,
// and how the figures are shown (table or JSON). The measuring is in
// bench_protocol.cpp, the showing in bench_report.cpp.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/runtime/protocol.hpp"
#include "benchmarks/analysis.hpp"
#include "benchmarks/crypto_costs.hpp"
#include "benchmarks/overhead.hpp"

namespace protobed::cli {

struct bench_cli {
  std::string target;
  workload_options w;
  std::int64_t warmup = -1;
  double rate = 0;
  bool no_key_pool = false;
  bool json = false;
  std::vector<std::string> require;
  std::string nodes;
  std::string certs;
  std::size_t echo = 20000;
  std::string scheduler = "stealing";
  double seconds = 0.5;
  std::string timeout;
  bool overhead = false;
};

/// One --require: METRIC OP VALUE, as typed.
struct requirement {
  std::string metric, op;
  double value = 0;
  std::string text;
};

/// The crypto-free echo workload's framework cost.
struct echo_figures {
  std::size_t pairs = 0;
  double cpu_us_per_message = 0; ///< process CPU / messages, many pairs in flight, with events
  double latency_us = 0;         ///< wall time / messages, one message in flight
};

struct figures {
  bench::bench_result b;
  echo_figures echo;
  std::optional<bench::overhead_result> overhead; ///< --overhead: counters on and off in turns
  double distributed_tps = 0;
};

/// A figure by its --require name.
double metric(const figures& f, const std::string& m);

using requirement_results = std::vector<std::pair<requirement, bool>>;

nlohmann::ordered_json bench_json(const bench_cli& c, const figures& f,
                                  const std::vector<bench::primitive_cost>& costs,
                                  const requirement_results& req);
void print_bench(const bench_cli& c, const figures& f, const requirement_results& req);

} // namespace protobed::cli
