// `protobed bench <protocol>` and `protobed bench SCENARIO.yaml`: protocol
// throughput on the real clock, latency, where the time goes, and how far
// it is from what the cryptography alone allows. What a transaction is and
// the built-in workload come from the protocol's registration.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "actors/runtime/suggest.hpp"
#include "benchmarks/analysis.hpp"
#include "benchmarks/framework.hpp"
#include "benchmarks/machine.hpp"
#include "benchmarks/overhead.hpp"
#include "bin/cli/app.hpp"
#include "bin/cli/bench_report.hpp"
#include "bin/cli/command.hpp"
#include "bin/cli/scenario_files.hpp"
#include "bin/cli/terminal.hpp"
#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/distribution.hpp"
#include "scenarios/engine/loader.hpp"
#include "scenarios/engine/tls.hpp"

namespace po = boost::program_options;

namespace protobed::cli {
using protobed::did_you_mean;

namespace {

po::options_description describe(bench_cli& o) {
  po::options_description d(
    "Usage: protobed bench PROTOCOL [options]\n"
    "       protobed bench SCENARIO.yaml [options]\n\n"
    "Runs a protocol workload on the real clock (CAF's scheduler, one thread per\n"
    "core) and reports throughput after warm-up, latency percentiles, failures,\n"
    "time per protocol step, CPU and memory, the crypto operations per transaction,\n"
    "the crypto bound (their CPU time, measured in this same run) and efficiency =\n"
    "measured / bound = crypto share (crypto CPU / process CPU) × utilisation\n"
    "(process CPU / (usable cores × wall time)), all over one window. Usable cores\n"
    "come from the CPU affinity and cgroup quota; other processes' CPU use over the\n"
    "window is sampled from /proc/stat and reported, with a warning when it is\n"
    "noticeable. Also: the framework's own CPU per message (in this run, and with\n"
    "the echo workload), key pools' build time with the sustained throughput that\n"
    "charges it, and what the instrumentation itself costs.\n\n"
    "Options");
  d.add_options()("help,h", "show this help")(
    "transactions", po::value(&o.w.transactions)->default_value(200),
    "transactions to make")("clients", po::value(&o.w.clients)->default_value(8),
                            "concurrent clients (closed model: each one back to back)")(
    "timeout", po::value(&o.timeout)->value_name("DURATION"),
    "how long each initiator waits before giving up or resolving (workload default: 60s; "
    "e-commerce then resolves at most twice): bounds the work in flight under overload")(
    "rate", po::value(&o.rate)->value_name("PER_S"),
    "open model: start this many transactions per second instead")(
    "warmup", po::value(&o.warmup)->value_name("N"), "transactions excluded (default: 10%)")(
    "no-key-pool", po::bool_switch(&o.no_key_pool),
    "make each session key during the purchase instead of ahead of time")(
    "session-key-bits", po::value(&o.w.session_key_bits)->default_value(2048), "1024..4096")(
    "signature", po::value(&o.w.signature)->default_value("rsa"),
    "rsa or dsa: how the initiators sign, where the protocol lets them choose (purchase)")(
    "seed", po::value(&o.w.seed)->default_value(1), "seed for the workload's scenario")(
    "echo", po::value(&o.echo)->default_value(20000),
    "round trips of the crypto-free framework measurement (0: skip)")(
    "overhead", po::bool_switch(&o.overhead),
    "measure the instrumentation: run the workload again with the counters on and off in "
    "alternate 200 ms slices and compare CPU per transaction")(
    "nodes", po::value(&o.nodes)->value_name("n1=H:P,n2=H:P,n3=H:P"),
    "also run distributed (the protocol's placement over n1, n2, n3) and report the ratio")(
    "certs", po::value(&o.certs)->value_name("DIR"),
    "with --nodes: connect over TLS with DIR/driver.pem, DIR/driver.key, DIR/ca.pem")(
    "require", po::value(&o.require)->composing()->value_name("EXPR"),
    "fail (exit 1) unless it holds: tps>=40, efficiency>=0.8, crypto_share>=0.9, "
    "utilisation>=0.9, sustained_tps>=20, p99<=500ms, failures<=0, framework_us<=20, "
    "instrumentation<=0.02 (repeatable)")("json", po::bool_switch(&o.json),
                                          "print the results as JSON")(
    "scheduler", po::value(&o.scheduler)->default_value("stealing"),
    "CAF scheduler policy: stealing (work stealing) or sharing (one queue)")(
    "seconds", po::value(&o.seconds)->default_value(0.5, "0.5"),
    "time measuring each crypto primitive for the bound")("target", po::value(&o.target),
                                                          "a protocol or a scenario file");
  return d;
}

requirement parse_requirement(const std::string& text) {
  static const std::vector<std::string> ops = {"<=", ">=", "<", ">", "=="};
  for (const auto& op : ops) {
    auto at = text.find(op);
    if (at == std::string::npos || at == 0)
      continue;
    requirement r{text.substr(0, at), op, 0, text};
    auto value = text.substr(at + op.size());
    if (auto d = parse_duration(value)) // latencies: durations, compared in ms
      r.value = static_cast<double>(d->count()) / 1e6;
    else
      try {
        std::size_t used = 0;
        r.value = std::stod(value, &used);
        if (used != value.size())
          throw std::invalid_argument(value);
      } catch (const std::exception&) {
        break;
      }
    static const std::vector<std::string> metrics = {"tps",
                                                     "efficiency",
                                                     "crypto_share",
                                                     "utilisation",
                                                     "sustained_tps",
                                                     "p50",
                                                     "p90",
                                                     "p99",
                                                     "p999",
                                                     "max",
                                                     "failures",
                                                     "framework_us",
                                                     "echo_us",
                                                     "instrumentation",
                                                     "distributed_ratio"};
    if (std::find(metrics.begin(), metrics.end(), r.metric) == metrics.end())
      throw usage_error("bench: --require names unknown metric '" + r.metric + "'" +
                        did_you_mean(r.metric, metrics));
    return r;
  }
  throw usage_error("bench: --require takes METRIC<=VALUE or METRIC>=VALUE, not '" + text + "'");
}

bool holds(const requirement& r, double v) {
  if (r.op == "<=")
    return v <= r.value;
  if (r.op == ">=")
    return v >= r.value;
  if (r.op == "<")
    return v < r.value;
  if (r.op == ">")
    return v > r.value;
  return v == r.value;
}

} // namespace

namespace {

/// The protocol whose transactions a scenario file is measured by: the first
/// participant's protocol that defines one. usage_error if none does.
const protocol_info* protocol_of(const scenario& s) {
  for (const auto& p : s.participants)
    if (const auto* proto = s.registry().protocol_of(*p.role); proto && proto->transaction)
      return proto;
  throw usage_error("bench: " + s.file +
                    " has no participant of a protocol that defines a transaction to measure");
}

/// Runs one scenario on the real clock with live progress; fills figures.
bench::bench_result measure(const scenario& s, const transaction_def& txn, std::size_t expected,
                            std::size_t warmup, const run_options& base, bool quiet) {
  progress_line progress;
  run_options o = base;
  o.real = true;
  if (!quiet)
    o.on_tick = [&](sim_time t, const trace& tr) {
      auto done = tr.event_count(txn.end);
      double secs = static_cast<double>(t.count()) / 1e9;
      double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
      char buf[160];
      std::snprintf(
        buf, sizeof(buf), "%s: %zu/%zu transactions, %.1f tx/s, %.1fs elapsed, ETA %.0fs",
        s.name.c_str(), done, expected, rate, secs,
        rate > 0 ? static_cast<double>(expected - std::min(done, expected)) / rate : 0.0);
      progress.show(buf);
    };
  // Every tick samples the counters, the process's CPU and the machine's, so
  // throughput, crypto and CPU can all be taken over one span inside the
  // throughput's window. Crypto operations count from the first tick on:
  // after the world (long-term keys, session-key pools) was built, so only
  // the transactions' own. Progress shows every 200 ms.
  std::optional<crypto::op_counts> ops_at_start;
  bench::sample_log samples;
  sim_time shown{-1};
  auto show = o.on_tick;
  o.tick_every = std::chrono::milliseconds(10);
  o.on_tick = [&](sim_time t, const trace& tr) {
    auto now = bench::sample_resources(t);
    if (!ops_at_start)
      ops_at_start = now.ops;
    samples.offer(now);
    if (show && (shown.count() < 0 || t - shown >= std::chrono::milliseconds(200))) {
      shown = t;
      show(t, tr);
    }
  };
  auto ops0 = crypto::counted_ops();
  auto cpu0 = bench::process_cpu_seconds();
  auto pools0 = key_pools_made();
  auto run = run_scenario(s, o);
  progress.clear();
  if (!run.completed)
    throw std::runtime_error("the benchmark run did not complete: " + run.incomplete_reason);
  samples.offer(bench::sample_resources(run.end)); // the run's end closes the last span
  auto cpu1 = bench::process_cpu_seconds();
  auto pools = key_pools_made();
  bench::run_resources res{cpu1 - cpu0,
                           bench::process_peak_rss_mb(),
                           crypto::counted_ops() - ops_at_start.value_or(ops0),
                           samples.take(),
                           {pools.keys - pools0.keys, pools.seconds - pools0.seconds},
                           bench::find_usable_cores()};
  auto b = bench::analyze(run, txn, warmup, res);
  for (const auto& c : check_expectations(s, run)) {
    ++b.expectations;
    if (!c.passed)
      b.broken.push_back(c.text + " (observed: " + c.observed + ")");
  }
  return b;
}

/// The echo workload: CPU per message with `pairs` pairs bouncing packets at
/// once (two events per round trip), and wall time per message with one in flight.
echo_figures echo_cost(std::size_t round_trips, const std::string& scheduler) {
  echo_figures e;
  e.pairs = 16;
  run_options o;
  o.real = true;
  o.scheduler = scheduler;
  workload_options w;
  w.transactions = round_trips;
  w.clients = e.pairs;
  const auto* echo = builtin_roles().find_protocol("echo");
  auto many = load_scenario_text(echo->workload(w), "bench-echo.yaml");
  auto cpu0 = bench::process_cpu_seconds();
  run_scenario(many, o);
  auto messages = static_cast<double>(2 * round_trips);
  e.cpu_us_per_message = (bench::process_cpu_seconds() - cpu0) * 1e6 / messages;
  auto one = load_scenario_text(bench::framework_workload(round_trips), "bench-framework.yaml");
  auto r = run_scenario(one, o);
  e.latency_us = static_cast<double>(r.end.count()) / 1e3 / messages;
  return e;
}

/// The workload once more, the counters switched on and off every 200 ms,
/// sampled every 10 ms: CPU per transaction of the "on" slices against the
/// "off" slices over the steady window.
bench::overhead_result measure_overhead(const scenario& s, const transaction_def& txn,
                                        std::size_t warmup, const run_options& base) {
  const sim_time slice = std::chrono::milliseconds(200);
  run_options o = base;
  o.real = true;
  o.tick_every = std::chrono::milliseconds(10);
  std::vector<bench::slice_sample> samples;
  o.on_tick = [&](sim_time t, const trace&) {
    bool on = bench::counting_in_slice(bench::slice_of(t, slice));
    samples.push_back({bench::sample_resources(t), on});
    crypto::set_counting(on);
  };
  auto run = run_scenario(s, o);
  crypto::set_counting(true);
  samples.push_back({bench::sample_resources(run.end), true});
  return bench::compare_slices(run, txn, warmup, samples, slice);
}

} // namespace

int bench_protocol(const args& a, const std::string& target) {
  bench_cli c;
  auto desc = describe(c);
  po::positional_options_description pos;
  pos.add("target", 1);
  auto vm = parse_args("bench " + target, a, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  c.target = target;
  if (c.scheduler != "sharing" && c.scheduler != "stealing")
    throw usage_error("bench: --scheduler must be sharing or stealing");
  if (c.w.signature != "rsa" && c.w.signature != "dsa")
    throw usage_error("bench: --signature must be rsa or dsa");
  if (c.w.transactions < 1 || c.w.clients < 1)
    throw usage_error("bench: --transactions and --clients must be at least 1");
  if (vm.count("rate") && !(c.rate > 0))
    throw usage_error("bench: --rate must be above 0");
  if (!c.timeout.empty()) {
    auto t = parse_duration(c.timeout);
    if (!t || t->count() <= 0 || *t > std::chrono::hours(24))
      throw usage_error("bench: --timeout must be a duration above 0 and at most 24h, like 5s");
    c.w.timeout = *t;
  }
  std::vector<requirement> reqs;
  for (const auto& r : c.require)
    reqs.push_back(parse_requirement(r));
  c.w.key_pool = !c.no_key_pool;
  if (c.rate > 0)
    c.w.rate = c.rate;
  std::optional<std::map<std::string, node_address>> nodes;
  if (!c.certs.empty() && c.nodes.empty())
    throw usage_error("bench: --certs only applies to --nodes");
  if (!c.certs.empty())
    certs_option("bench", c.certs, "driver");
  if (!c.nodes.empty() && !(nodes = parse_nodes(c.nodes)))
    throw usage_error("bench: --nodes must be n1=HOST:PORT,n2=HOST:PORT,n3=HOST:PORT");
  const auto* proto = builtin_roles().find_protocol(target);
  if (proto && (!proto->workload || !proto->transaction))
    throw usage_error("bench: protocol " + target + " has no built-in workload");
  scenario s = proto ? load_scenario_text(proto->workload(c.w), "bench-" + target + ".yaml")
                     : load_scenario(target);
  if (!proto)
    proto = protocol_of(s);
  std::size_t expected = proto && target == proto->name ? c.w.transactions : 0;
  auto warmup = c.warmup >= 0 ? static_cast<std::size_t>(c.warmup) : expected / 10;
  bool quiet = c.json || !is_terminal(stderr);
  figures f;
  run_options base;
  base.scheduler = c.scheduler;
  f.b = measure(s, *proto->transaction, expected, warmup, base, quiet);
  if (c.overhead)
    f.overhead = measure_overhead(s, *proto->transaction, warmup, base);
  auto costs = bench::measure_crypto(
    {std::chrono::duration<double>(c.seconds),
     3,
     {"rsa2048.keygen", "rsa2048.private_op", "rsa2048.public_op", "aes256gcm.seal"},
     nullptr});
  bench::apply_crypto_estimate(f.b, costs);
  bench::apply_instrumentation(f.b, bench::measure_instrumentation());
  if (c.echo > 0)
    f.echo = echo_cost(c.echo, c.scheduler);
  if (nodes) {
    if (!proto->workload)
      throw usage_error("bench: --nodes needs a protocol's built-in workload, not a file");
    auto placed = c.w;
    placed.placed = true;
    auto ps = load_scenario_text(proto->workload(placed), "bench-" + proto->name + ".yaml");
    run_options o = base;
    for (const auto& [n, addr] : *nodes)
      o.nodes[n] = {addr.host, addr.port};
    o.certs = c.certs;
    f.distributed_tps = measure(ps, *proto->transaction, expected, warmup, o, quiet).tps;
  }
  std::vector<std::pair<requirement, bool>> results;
  bool all = f.b.broken.empty(); // a benchmark that lost money measured nothing worth having
  for (const auto& r : reqs) {
    bool ok = holds(r, metric(f, r.metric));
    all = all && ok;
    results.emplace_back(r, ok);
  }
  if (c.json)
    std::cout << bench_json(c, f, costs, results).dump(2) << "\n";
  else
    print_bench(c, f, results);
  return all ? exit_ok : exit_failed;
}

} // namespace protobed::cli
