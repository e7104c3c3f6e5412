#include "benchmarks/analysis.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <set>

namespace protobed::bench {

namespace {

struct purchase_times {
  std::int64_t started = -1, setup = -1, otp = -1, ended = -1;
  std::string tid, outcome;
};

std::int64_t t_of(const trace_record& rec) {
  return rec["t"].get<std::int64_t>();
}

std::string detail(const trace_record& rec, const char* key) {
  return rec.contains("details") && rec["details"].contains(key)
           ? rec["details"][key].get<std::string>()
           : std::string{};
}

double percentile(std::vector<double>& v, double q) {
  if (v.empty())
    return 0;
  auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

/// Per tid: when the client paid, the merchant forwarded, the bank decided.
struct tid_times {
  std::int64_t paid = -1, forwarded = -1, decided = -1;
};

void collect(const std::vector<trace_record>& recs,
             std::map<std::string, purchase_times>& purchases,
             std::map<std::string, tid_times>& tids) {
  for (const auto& rec : recs) {
    if (rec["type"] != "event")
      continue;
    const std::string name = rec["name"];
    auto key = rec["who"].get<std::string>() + "#" + detail(rec, "purchase");
    if (name == "PurchaseStarted")
      purchases[key].started = t_of(rec);
    else if (name == "SetupComplete")
      purchases[key].setup = t_of(rec);
    else if (name == "OtpReceived")
      purchases[key].otp = t_of(rec);
    else if (name == "OutcomeReceived" && purchases[key].ended < 0) {
      purchases[key].ended = t_of(rec);
      purchases[key].outcome = detail(rec, "outcome");
      purchases[key].tid = detail(rec, "tid");
    } else if (name == "PaymentSent")
      tids[detail(rec, "tid")].paid = t_of(rec);
    else if (name == "PaymentForwarded")
      tids[detail(rec, "tid")].forwarded = t_of(rec);
    else if (name == "PaymentCommitted" || name == "PaymentAborted")
      tids[detail(rec, "tid")].decided = t_of(rec);
  }
}

void mean_into(std::map<std::string, double>& out, const char* step, std::int64_t from,
               std::int64_t to, std::map<std::string, std::pair<double, std::size_t>>& acc) {
  if (from < 0 || to < 0)
    return;
  auto& [sum, n] = acc[step];
  sum += static_cast<double>(to - from) / 1e6;
  ++n;
  out[step] = sum / static_cast<double>(n);
}

} // namespace

bench_result analyze(const run_result& r, std::size_t warmup, const run_resources& res) {
  std::map<std::string, purchase_times> purchases;
  std::map<std::string, tid_times> tids;
  auto recs = r.trace->records();
  collect(recs, purchases, tids);
  std::vector<const purchase_times*> done;
  for (const auto& [k, p] : purchases)
    if (p.ended >= 0 && p.started >= 0)
      done.push_back(&p);
  std::sort(done.begin(), done.end(),
            [](const purchase_times* a, const purchase_times* b) { return a->ended < b->ended; });
  bench_result b;
  b.transactions = done.size();
  b.warmup = std::min(warmup, done.size() > 0 ? done.size() - 1 : 0);
  std::vector<double> lat;
  std::map<std::string, std::pair<double, std::size_t>> acc;
  // The window leaves out a warm-up (the first completions, while every
  // client starts at once) and as long a cool-down (the last ones, when
  // clients run out of work): inside it, concurrency is steady.
  auto last = done.size() > 2 * b.warmup ? done.size() - b.warmup : done.size();
  for (std::size_t i = 0; i < done.size(); ++i) {
    const auto& p = *done[i];
    if (p.outcome == "committed")
      ++b.committed;
    else
      ++b.failures[p.outcome];
    if (i < b.warmup || i >= last)
      continue;
    lat.push_back(static_cast<double>(p.ended - p.started) / 1e6);
    mean_into(b.step_ms, "setup", p.started, p.setup, acc);
    mean_into(b.step_ms, "otp", p.started, p.otp, acc);
    auto t = tids.find(p.tid);
    if (t != tids.end()) {
      mean_into(b.step_ms, "exchange", t->second.paid, t->second.forwarded, acc);
      mean_into(b.step_ms, "bank_decision", t->second.forwarded, t->second.decided, acc);
      mean_into(b.step_ms, "outcome_relay", t->second.decided, p.ended, acc);
    }
  }
  if (!done.empty()) {
    auto from = b.warmup > 0 ? done[b.warmup - 1]->ended : done.front()->started;
    auto to = done[last - 1]->ended;
    b.measured = last - b.warmup;
    // With few purchases per client there is no steady window: nearly all of
    // them are in flight together and finish in one burst. Count the whole run.
    std::set<std::string> clients;
    for (const auto& [key, p] : purchases)
      clients.insert(key.substr(0, key.find('#')));
    if (done.size() < 4 * clients.size()) {
      b.whole_run = true;
      std::int64_t first = done.front()->started;
      for (const auto* p : done)
        first = std::min(first, p->started);
      from = first;
      to = done.back()->ended;
      b.measured = done.size();
    }
    b.window_seconds = static_cast<double>(to - from) / 1e9;
    b.tps = b.window_seconds > 0 ? static_cast<double>(b.measured) / b.window_seconds : 0;
  }
  b.latency = {percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99),
               percentile(lat, 0.999), lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end())};
  for (const auto& rec : recs)
    b.packets += rec["type"] == "packet" ? 1 : 0;
  auto n = static_cast<double>(std::max<std::size_t>(1, b.transactions));
  b.cpu_ms_per_tx = res.cpu_seconds * 1e3 / n;
  b.peak_rss_mb = res.peak_rss_mb;
  b.keygens = static_cast<double>(res.ops.rsa_keygen) / n;
  b.private_ops = static_cast<double>(res.ops.rsa_private + res.ops.dsa_sign) / n;
  b.public_ops = static_cast<double>(res.ops.rsa_public + res.ops.dsa_verify) / n;
  b.symmetric_kib = static_cast<double>(res.ops.symmetric_bytes) / 1024.0 / n;
  b.crypto_ms_per_tx = static_cast<double>(res.ops.asymmetric_ns) / 1e6 / n;
  return b;
}

void apply_crypto_bound(bench_result& b, const std::vector<primitive_cost>& costs, unsigned cores) {
  auto us = [&](const std::string& name) {
    for (const auto& c : costs)
      if (c.name == name)
        return c.micros_per_op();
    return 0.0;
  };
  double gcm_us_per_kib = us("aes256gcm.seal");
  b.estimate_ms_per_tx =
    (b.keygens * us("rsa2048.keygen") + b.private_ops * us("rsa2048.private_op") +
     b.public_ops * us("rsa2048.public_op") + b.symmetric_kib * gcm_us_per_kib) /
    1e3;
  // The bound uses the crypto time measured inside the run (what these very
  // operations cost here, with these keys and this contention); the
  // standalone estimate is reported beside it.
  auto per_tx = b.crypto_ms_per_tx > 0 ? b.crypto_ms_per_tx : b.estimate_ms_per_tx;
  b.cores = cores;
  b.bound_tps = per_tx > 0 ? cores * 1e3 / per_tx : 0;
  b.efficiency = b.bound_tps > 0 ? b.tps / b.bound_tps : 0;
}

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double process_peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

} // namespace protobed::bench
