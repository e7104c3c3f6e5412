#include "bin/cli/bench_report.hpp"

#include <cstdio>

#include "benchmarks/machine.hpp"

namespace protobed::cli {

double metric(const figures& f, const std::string& m) {
  const auto& b = f.b;
  if (m == "tps")
    return b.tps;
  if (m == "efficiency")
    return b.efficiency;
  if (m == "crypto_share")
    return b.crypto_share;
  if (m == "utilisation")
    return b.utilisation;
  if (m == "sustained_tps")
    return b.sustained_tps;
  if (m == "instrumentation")
    return b.instrumentation_share;
  if (m == "echo_us")
    return f.echo.cpu_us_per_message;
  if (m == "p50")
    return b.latency.p50;
  if (m == "p90")
    return b.latency.p90;
  if (m == "p99")
    return b.latency.p99;
  if (m == "p999")
    return b.latency.p999;
  if (m == "max")
    return b.latency.max;
  if (m == "failures")
    return static_cast<double>(b.transactions - b.committed);
  if (m == "framework_us")
    return b.framework_us_per_message;
  return f.distributed_tps > 0 && b.tps > 0 ? f.distributed_tps / b.tps : 0;
}

namespace {

std::string cores_text(const bench::bench_result& b) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), b.cores == static_cast<unsigned>(b.cores) ? "%.0f" : "%.2f",
                b.cores);
  return buf;
}

void print_throughput(const bench::bench_result& b) {
  if (b.counted_in_window)
    std::printf("throughput     %.1f tx/s  (%zu transactions in a %.2fs window, %zu warm-up and "
                "as many cool-down left out)\n",
                b.tps, b.measured, b.window_seconds, b.warmup);
  else
    std::printf("throughput     %.1f tx/s  (%zu transactions between the run's resource samples, "
                "%.2fs: too few per client for a steady window)\n",
                b.tps, b.measured, b.window_seconds);
  if (b.pool_keys > 0)
    std::printf("key pool       %zu session keys made before the run in %.1f s (one thread, %.1f "
                "ms each): sustained %.1f tx/s when charged to the transactions; "
                "--no-key-pool makes them inside\n",
                b.pool_keys, b.pool_seconds, b.pool_seconds * 1e3 / b.pool_keys, b.sustained_tps);
}

void print_crypto(const bench_cli& c, const bench::bench_result& b) {
  std::printf("crypto per tx  %.2f keygen, %.1f private ops, %.1f public ops, %.1f KiB "
              "symmetric, %.1f key loads, %.1f key exchanges%s%s\n",
              b.keygens, b.private_ops, b.public_ops, b.symmetric_kib, b.key_loads, b.key_exchanges,
              b.password_hashes > 0 ? ", password hashes" : "",
              c.no_key_pool || b.pool_keys == 0 ? "" : " (session keys from the pool)");
  if (b.bound_tps <= 0) {
    std::printf("crypto bound   none: no cryptography per transaction\n");
    return;
  }
  std::printf("crypto bound   %.1f tx/s on %s usable cores: %.2f ms of crypto CPU per transaction "
              "(asymmetric %.2f, symmetric %.2f, keys %.2f, passwords %.2f; %.2f ms at "
              "standalone primitive costs)\n",
              b.bound_tps, cores_text(b).c_str(), b.crypto_ms_per_tx, b.asymmetric_ms_per_tx,
              b.symmetric_ms_per_tx, b.key_ms_per_tx, b.password_ms_per_tx, b.estimate_ms_per_tx);
  std::printf("efficiency     %.2f = measured / bound = crypto share %.2f (crypto CPU / process "
              "CPU) × utilisation %.2f (process CPU / (%s cores × window))\n",
              b.efficiency, b.crypto_share, b.utilisation, cores_text(b).c_str());
}

void print_machine(const bench::bench_result& b) {
  if (b.other_load < 0)
    return;
  std::printf("machine        other processes used %.0f %% of the %u online CPUs in the window "
              "(steal %.0f %%)\n",
              b.other_load * 100, b.online_cpus, b.steal * 100);
  if (b.busy_machine)
    std::printf("  WARNING      the machine was busy: utilisation, throughput and efficiency are "
                "lower than on a quiet machine; the crypto share is not affected\n");
}

void print_costs(const figures& f) {
  const auto& b = f.b;
  if (b.framework_us_per_message > 0)
    std::printf("framework      %.1f us CPU per protocol message in this run ((process CPU − "
                "crypto) / %zu packets in the window)",
                b.framework_us_per_message, b.window_packets);
  if (f.echo.pairs > 0)
    std::printf("; echo: %.1f us CPU per message with %zu pairs in flight, %.1f us per message "
                "one at a time",
                f.echo.cpu_us_per_message, f.echo.pairs, f.echo.latency_us);
  std::printf("\ninstrument     %.1f us per transaction = %.2f %% of its CPU (%.0f CPU-clock and "
              "%.0f wall-clock timed scopes, %.2f resource samples)",
              b.instrumentation_us_per_tx, b.instrumentation_share * 100, b.cpu_clock_scopes,
              b.wall_clock_scopes, b.samples_per_tx);
  if (f.overhead && f.overhead->pairs > 0)
    std::printf("\n               counters on and off in turns (%zu pairs of 200 ms slices): %.3f "
                "against %.3f ms CPU per transaction, %+.1f %% ± %.1f %% (standard error)",
                f.overhead->pairs, f.overhead->on_cpu_ms, f.overhead->off_cpu_ms,
                f.overhead->overhead * 100, f.overhead->standard_error * 100);
  else if (f.overhead)
    std::printf("\n               counters on and off in turns: the steady window was too short "
                "for two pairs of 200 ms slices");
  std::printf("\n");
}

} // namespace

nlohmann::ordered_json bench_json(const bench_cli& c, const figures& f,
                                  const std::vector<bench::primitive_cost>& costs,
                                  const requirement_results& req) {
  const auto& b = f.b;
  auto m = bench::describe_machine();
  nlohmann::ordered_json costs_json;
  for (const auto& p : costs)
    costs_json[p.name] = p.micros_per_op();
  nlohmann::ordered_json reqs = nlohmann::ordered_json::array();
  for (const auto& [r, ok] : req)
    reqs.push_back({{"require", r.text}, {"observed", metric(f, r.metric)}, {"held", ok}});
  auto or_null = [](double v, bool known) { return known ? nlohmann::json(v) : nlohmann::json(); };
  return {
    {"format", 2},
    {"benchmark", c.target},
    {"machine",
     {{"cpu", m.cpu_model},
      {"online_cpus", m.usable.online},
      {"affinity_cpus", m.usable.affinity},
      {"cgroup_quota_cores", or_null(m.usable.quota, m.usable.quota > 0)},
      {"usable_cores", m.usable.cores}}},
    {"model", c.rate > 0 ? "open" : "closed"},
    {"clients", c.w.clients},
    {"rate", c.rate},
    {"key_pool", !c.no_key_pool},
    {"transactions", b.transactions},
    {"warmup", b.warmup},
    {"measured", b.measured},
    {"whole_run", b.whole_run},
    {"counted_in_window", b.counted_in_window},
    {"committed", b.committed},
    {"failures", b.failures},
    {"window_seconds", b.window_seconds},
    {"tps", b.tps},
    {"latency_ms",
     {{"p50", b.latency.p50},
      {"p90", b.latency.p90},
      {"p99", b.latency.p99},
      {"p99.9", b.latency.p999},
      {"max", b.latency.max}}},
    {"step_ms", b.step_ms},
    {"setup", b.setup ? nlohmann::json{{"name", b.setup->name},
                                       {"done", b.setup->done},
                                       {"mean_ms", b.setup->mean_ms},
                                       {"span_ms", b.setup->span_ms}}
                      : nlohmann::json()},
    {"cpu_ms_per_tx", b.cpu_ms_per_tx},
    {"peak_rss_mb", b.peak_rss_mb},
    {"packets", b.packets},
    {"window_packets", b.window_packets},
    {"crypto_per_tx",
     {{"keygens", b.keygens},
      {"private_ops", b.private_ops},
      {"public_ops", b.public_ops},
      {"symmetric_kib", b.symmetric_kib},
      {"key_loads", b.key_loads},
      {"key_exchanges", b.key_exchanges},
      {"password_hashes", b.password_hashes}}},
    {"primitive_us", costs_json},
    {"crypto_ms_per_tx", b.crypto_ms_per_tx},
    {"crypto_ms_per_tx_by_kind",
     {{"asymmetric", b.asymmetric_ms_per_tx},
      {"symmetric", b.symmetric_ms_per_tx},
      {"keys", b.key_ms_per_tx},
      {"passwords", b.password_ms_per_tx}}},
    {"estimate_ms_per_tx", b.estimate_ms_per_tx},
    {"cores", b.cores},
    {"bound_tps", b.bound_tps},
    {"efficiency", b.efficiency},
    {"crypto_share", b.crypto_share},
    {"utilisation", b.utilisation},
    {"other_load", or_null(b.other_load, b.other_load >= 0)},
    {"steal", b.steal},
    {"busy_machine", b.busy_machine},
    {"framework_us_per_message", b.framework_us_per_message},
    {"echo",
     {{"pairs", f.echo.pairs},
      {"cpu_us_per_message", f.echo.cpu_us_per_message},
      {"latency_us_per_message", f.echo.latency_us}}},
    {"key_pool_build",
     {{"keys", b.pool_keys}, {"seconds", b.pool_seconds}, {"sustained_tps", b.sustained_tps}}},
    {"instrumentation",
     {{"cpu_clock_scopes_per_tx", b.cpu_clock_scopes},
      {"wall_clock_scopes_per_tx", b.wall_clock_scopes},
      {"samples_per_tx", b.samples_per_tx},
      {"us_per_tx", b.instrumentation_us_per_tx},
      {"share", b.instrumentation_share},
      {"measured", f.overhead ? nlohmann::json{{"slice_pairs", f.overhead->pairs},
                                               {"on_cpu_ms_per_tx", f.overhead->on_cpu_ms},
                                               {"off_cpu_ms_per_tx", f.overhead->off_cpu_ms},
                                               {"overhead", f.overhead->overhead},
                                               {"standard_error", f.overhead->standard_error}}
                              : nlohmann::json()}}},
    {"distributed_tps", f.distributed_tps},
    {"distributed_ratio", metric(f, "distributed_ratio")},
    {"expectations", b.expectations},
    {"expectations_broken", b.broken},
    {"requirements", reqs}};
}

void print_bench(const bench_cli& c, const figures& f, const requirement_results& req) {
  const auto& b = f.b;
  std::printf("protobed bench %s — %zu transactions, %s, real mode, %s usable cores\n",
              c.target.c_str(), b.transactions,
              c.rate > 0 ? ("open model at " + std::to_string(c.rate) + "/s").c_str()
                         : (std::to_string(c.w.clients) + " clients (closed model)").c_str(),
              cores_text(b).c_str());
  print_throughput(b);
  std::printf("latency        p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms\n",
              b.latency.p50, b.latency.p90, b.latency.p99, b.latency.p999, b.latency.max);
  std::printf("failures       %zu", b.transactions - b.committed);
  for (const auto& [why, n] : b.failures)
    std::printf("  %s: %zu", why.c_str(), n);
  std::printf("\nper step       ");
  for (const auto& [step, ms] : b.step_ms)
    std::printf("%s %.1f ms  ", step.c_str(), ms);
  if (b.setup)
    std::printf("\nsetup          %zu %s(s) before the window: mean %.1f ms each, all within %.1f "
                "ms",
                b.setup->done, b.setup->name.c_str(), b.setup->mean_ms, b.setup->span_ms);
  std::printf("\nresources      %.2f ms CPU per transaction, peak memory %.0f MB, %zu packets\n",
              b.cpu_ms_per_tx, b.peak_rss_mb, b.packets);
  print_crypto(c, b);
  print_machine(b);
  print_costs(f);
  if (f.distributed_tps > 0)
    std::printf("distributed    %.1f tx/s over 3 nodes = %.2f of in-process\n", f.distributed_tps,
                metric(f, "distributed_ratio"));
  std::printf("checks         %zu/%zu of the workload's expectations held\n",
              b.expectations - b.broken.size(), b.expectations);
  for (const auto& why : b.broken)
    std::printf("  FAILED       %s\n", why.c_str());
  for (const auto& [r, ok] : req)
    std::printf("require        %s  %s (observed %.3f)\n", r.text.c_str(), ok ? "held" : "FAILED",
                metric(f, r.metric));
}

} // namespace protobed::cli
