#include "benchmarks/analysis.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>

namespace protobed::bench {

namespace {

/// One transaction as the trace tells it: when it started and ended, its
/// outcome, and the first time each event of it was seen.
struct txn_times {
  std::int64_t started = -1, ended = -1;
  std::string outcome;
  std::map<std::string, std::int64_t> first;
};

std::int64_t t_of(const trace_record& rec) {
  return rec["t"].get<std::int64_t>();
}

double percentile(std::vector<double>& v, double q) {
  if (v.empty())
    return 0;
  auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

/// Groups the trace's events into transactions as `t` defines them:
/// "initiator#key" -> times. Events elsewhere join by their `alias` detail.
std::map<std::string, txn_times> collect(const std::vector<trace_record>& recs,
                                         const transaction_def& t) {
  std::map<std::string, txn_times> out;
  std::map<std::string, std::string> by_alias; // alias value -> transaction
  for (const auto& rec : recs) {
    if (rec["type"] != "event")
      continue;
    const std::string name = rec["name"];
    auto key = detail_of(rec, t.key.c_str());
    auto alias = t.alias.empty() ? std::string{} : detail_of(rec, t.alias.c_str());
    std::string id;
    if (!key.empty())
      id = rec["who"].get<std::string>() + "#" + key;
    if (!id.empty() && !alias.empty())
      by_alias[alias] = id;
    if (id.empty() && !alias.empty())
      if (auto i = by_alias.find(alias); i != by_alias.end())
        id = i->second;
    if (id.empty() || (name != t.start && out.count(id) == 0))
      continue;
    auto& x = out[id];
    x.first.emplace(name, t_of(rec));
    if (name == t.start && x.started < 0)
      x.started = t_of(rec);
    else if (name == t.end && x.ended < 0) {
      x.ended = t_of(rec);
      x.outcome = detail_of(rec, t.outcome.c_str());
    }
  }
  return out;
}

/// The earliest of `names` in one transaction, or -1.
std::int64_t first_of(const txn_times& x, const std::vector<std::string>& names) {
  std::int64_t best = -1;
  for (const auto& n : names)
    if (auto i = x.first.find(n); i != x.first.end() && (best < 0 || i->second < best))
      best = i->second;
  return best;
}

void mean_into(std::map<std::string, double>& out, const std::string& step, std::int64_t from,
               std::int64_t to, std::map<std::string, std::pair<double, std::size_t>>& acc) {
  if (from < 0 || to < 0)
    return;
  auto& [sum, n] = acc[step];
  sum += static_cast<double>(to - from) / 1e6;
  ++n;
  out[step] = sum / static_cast<double>(n);
}

/// Each participant's first `start` to its first `end` of the protocol's setup.
bench_result::setup_summary summarize_setup(const std::vector<trace_record>& recs,
                                            const setup_def& s) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> per; // who -> (start, end)
  for (const auto& rec : recs) {
    if (rec["type"] != "event")
      continue;
    auto& [from, to] = per.try_emplace(rec["who"].get<std::string>(), -1, -1).first->second;
    if (rec["name"] == s.start && from < 0)
      from = t_of(rec);
    else if (rec["name"] == s.end && from >= 0 && to < 0)
      to = t_of(rec);
  }
  bench_result::setup_summary out{s.name};
  std::int64_t first = -1, last = -1;
  double sum = 0;
  for (const auto& [who, times] : per) {
    if (times.first < 0 || times.second < 0)
      continue;
    ++out.done;
    sum += static_cast<double>(times.second - times.first) / 1e6;
    first = first < 0 ? times.first : std::min(first, times.first);
    last = std::max(last, times.second);
  }
  if (out.done) {
    out.mean_ms = sum / static_cast<double>(out.done);
    out.span_ms = static_cast<double>(last - first) / 1e6;
  }
  return out;
}

/// How many participants started transactions.
std::size_t initiators(const std::map<std::string, txn_times>& txns) {
  std::set<std::string> who;
  for (const auto& [key, x] : txns)
    who.insert(key.substr(0, key.find('#')));
  return who.size();
}

/// A span between two resource samples, and the transactions and packets
/// that ended inside it.
struct spent {
  const resource_sample* first = nullptr;
  const resource_sample* last = nullptr;
  std::size_t transactions = 0;
  std::size_t packets = 0;
};

/// The first and last samples inside [from, to], and what ended between them.
std::optional<spent> between_samples(const run_resources& res,
                                     const std::vector<const txn_times*>& done,
                                     const std::vector<std::int64_t>& packet_times,
                                     std::int64_t from, std::int64_t to) {
  spent out;
  for (const auto& s : res.samples) {
    if (s.t.count() < from || s.t.count() > to)
      continue;
    out.first = out.first ? out.first : &s;
    out.last = &s;
  }
  if (!out.first || out.first == out.last)
    return std::nullopt;
  auto inside = [&](std::int64_t t) {
    return t > out.first->t.count() && t <= out.last->t.count();
  };
  for (const auto* p : done)
    out.transactions += inside(p->ended) ? 1 : 0;
  for (auto t : packet_times)
    out.packets += inside(t) ? 1 : 0;
  return out;
}

/// Crypto operations per transaction.
void counts_per_transaction(bench_result& b, const crypto::op_counts& ops, double n) {
  b.keygens = static_cast<double>(ops.keygens) / n;
  b.private_ops = static_cast<double>(ops.rsa_private + ops.dsa_sign) / n;
  b.public_ops = static_cast<double>(ops.rsa_public + ops.dsa_verify) / n;
  b.symmetric_kib = static_cast<double>(ops.symmetric_bytes) / 1024.0 / n;
  b.key_loads = static_cast<double>(ops.key_loads) / n;
  b.key_exchanges = static_cast<double>(ops.key_exchanges) / n;
  b.password_hashes = static_cast<double>(ops.password_hashes) / n;
}

/// Crypto operations, crypto times and CPU per transaction.
void per_transaction(bench_result& b, const crypto::op_counts& ops, double cpu_seconds, double n) {
  auto ms = [n](std::uint64_t ns) { return static_cast<double>(ns) / 1e6 / n; };
  counts_per_transaction(b, ops, n);
  b.cpu_ms_per_tx = cpu_seconds * 1e3 / n;
  b.cpu_clock_scopes = static_cast<double>(ops.cpu_clock_scopes) / n;
  b.wall_clock_scopes = static_cast<double>(ops.wall_clock_scopes) / n;
  b.crypto_ms_per_tx = ms(ops.crypto_ns());
  b.asymmetric_ms_per_tx = ms(ops.asymmetric_ns);
  b.symmetric_ms_per_tx = ms(ops.symmetric_ns);
  b.key_ms_per_tx = ms(ops.key_ns);
  b.password_ms_per_tx = ms(ops.password_ns);
}

/// Throughput, crypto, CPU and the machine's other load, all over one span.
void over_span(bench_result& b, const spent& sp, const usable_cores& usable) {
  const auto& a = *sp.first;
  const auto& z = *sp.last;
  double wall = static_cast<double>((z.t - a.t).count()) / 1e9;
  double cpu = z.cpu_seconds - a.cpu_seconds;
  auto ops = z.ops - a.ops;
  double crypto = static_cast<double>(ops.crypto_ns()) / 1e9;
  auto n = static_cast<double>(std::max<std::size_t>(1, sp.transactions));
  b.measured = sp.transactions;
  b.window_seconds = wall;
  b.tps = wall > 0 ? static_cast<double>(sp.transactions) / wall : 0;
  per_transaction(b, ops, cpu, n);
  b.window_packets = sp.packets;
  b.cores = usable.cores;
  b.online_cpus = usable.online;
  b.crypto_share = cpu > 0 ? crypto / cpu : 0;
  b.utilisation = wall > 0 ? cpu / (b.cores * wall) : 0;
  b.samples_per_tx = static_cast<double>(&z - &a) / n;
  if (sp.packets > 0)
    b.framework_us_per_message = std::max(0.0, cpu - crypto) * 1e6 / sp.packets;
  if (a.machine.known && z.machine.known && wall > 0) {
    double capacity = usable.online * wall;
    double others = z.machine.busy_seconds - a.machine.busy_seconds - cpu;
    b.other_load = std::max(0.0, others) / capacity;
    b.steal = (z.machine.steal_seconds - a.machine.steal_seconds) / capacity;
    b.busy_machine = b.other_load > busy_machine_threshold;
  }
}

} // namespace

std::vector<std::int64_t> transaction_ends(const run_result& r, const transaction_def& t) {
  std::vector<std::int64_t> ends;
  for (const auto& [key, x] : collect(r.trace->records(), t))
    if (x.started >= 0 && x.ended >= 0)
      ends.push_back(x.ended);
  std::sort(ends.begin(), ends.end());
  return ends;
}

bench_result analyze(const run_result& r, const transaction_def& t, std::size_t warmup,
                     const run_resources& res) {
  auto recs = r.trace->records();
  auto txns = collect(recs, t);
  std::optional<bench_result::setup_summary> setup;
  if (t.setup)
    setup = summarize_setup(recs, *t.setup);
  std::vector<const txn_times*> done;
  for (const auto& [k, x] : txns)
    if (x.ended >= 0 && x.started >= 0)
      done.push_back(&x);
  std::sort(done.begin(), done.end(),
            [](const txn_times* a, const txn_times* b) { return a->ended < b->ended; });
  bench_result b;
  b.setup = setup;
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
    if (p.outcome == t.success)
      ++b.committed;
    else
      ++b.failures[p.outcome];
    if (i < b.warmup || i >= last)
      continue;
    lat.push_back(static_cast<double>(p.ended - p.started) / 1e6);
    for (const auto& st : t.steps)
      mean_into(b.step_ms, st.name, first_of(p, st.from), first_of(p, st.to), acc);
  }
  if (!done.empty()) {
    auto from = b.warmup > 0 ? done[b.warmup - 1]->ended : done.front()->started;
    auto to = done[last - 1]->ended;
    b.measured = last - b.warmup;
    // With few purchases per client there is no steady window: nearly all of
    // them are in flight together and finish in one burst. Count the whole run.
    if (done.size() < 4 * initiators(txns)) {
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
  b.peak_rss_mb = res.peak_rss_mb;
  std::vector<std::int64_t> packet_times;
  for (const auto& rec : recs)
    if (rec["type"] == "packet")
      packet_times.push_back(t_of(rec));
  b.packets = packet_times.size();
  std::optional<spent> counted;
  if (!b.whole_run && b.measured > 0) {
    auto from = b.warmup > 0 ? done[b.warmup - 1]->ended : done.front()->started;
    counted = between_samples(res, done, packet_times, from, done[last - 1]->ended);
    // Transactions in flight at either sample make the count off by up to
    // one per initiator: only with 20 per initiator inside is it within 5 %.
    if (counted && counted->transactions < 20 * std::max<std::size_t>(1, initiators(txns)))
      counted.reset();
  }
  b.counted_in_window = counted.has_value();
  auto whole = between_samples(res, done, packet_times, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max());
  if (whole && whole->transactions > 0)
    b.run_cpu_ms_per_tx = (whole->last->cpu_seconds - whole->first->cpu_seconds) * 1e3 /
                          static_cast<double>(whole->transactions);
  if (!counted && !done.empty()) { // the whole run: first start to last end, not the idle tail
    std::int64_t first = done.front()->started;
    for (const auto* p : done)
      first = std::min(first, p->started);
    counted = between_samples(res, done, packet_times, first, done.back()->ended);
  }
  if (counted && counted->transactions > 0)
    over_span(b, *counted, res.usable);
  else // too short for two samples: the whole run's totals, and no shares
    per_transaction(b, res.ops, res.cpu_seconds,
                    static_cast<double>(std::max<std::size_t>(1, b.transactions)));
  if (!b.counted_in_window) // few transactions: count operations exactly, over all of them
    counts_per_transaction(b, res.ops,
                           static_cast<double>(std::max<std::size_t>(1, b.transactions)));
  b.cores = res.usable.cores;
  b.bound_tps = b.crypto_ms_per_tx > 0 ? b.cores * 1e3 / b.crypto_ms_per_tx : 0;
  b.efficiency = b.bound_tps > 0 ? b.tps / b.bound_tps : 0;
  b.pool_keys = res.pools.keys;
  b.pool_seconds = res.pools.seconds;
  b.sustained_tps = b.tps;
  if (b.pool_keys > 0 && b.transactions > 0 && b.measured > 0) {
    double charged =
      b.pool_seconds * static_cast<double>(b.measured) / static_cast<double>(b.transactions);
    b.sustained_tps = static_cast<double>(b.measured) / (b.window_seconds + charged);
  }
  return b;
}

void apply_crypto_estimate(bench_result& b, const std::vector<primitive_cost>& costs) {
  auto us = [&](const std::string& name) {
    for (const auto& c : costs)
      if (c.name == name)
        return c.micros_per_op();
    return 0.0;
  };
  b.estimate_ms_per_tx =
    (b.keygens * us("rsa2048.keygen") + b.private_ops * us("rsa2048.private_op") +
     b.public_ops * us("rsa2048.public_op") + b.symmetric_kib * us("aes256gcm.seal")) /
    1e3;
}

void apply_instrumentation(bench_result& b, const instrumentation_costs& c) {
  b.instrumentation_us_per_tx = b.cpu_clock_scopes * c.cpu_clock_scope_us +
                                b.wall_clock_scopes * c.wall_clock_scope_us +
                                b.samples_per_tx * c.sample_us;
  b.instrumentation_share =
    b.cpu_ms_per_tx > 0 ? b.instrumentation_us_per_tx / (b.cpu_ms_per_tx * 1e3) : 0;
}

void sample_log::offer(const resource_sample& s) {
  if (offered_++ % stride_ != 0)
    return;
  if (kept_.size() == limit_) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < kept_.size(); i += 2)
      kept_[j++] = kept_[i];
    kept_.resize(j);
    stride_ *= 2;
    if ((offered_ - 1) % stride_ != 0)
      return; // this one falls between the kept ones now
  }
  kept_.push_back(s);
}

resource_sample sample_resources(sim_time t) {
  return {t, crypto::counted_ops(), process_cpu_seconds(), read_machine_cpu()};
}

instrumentation_costs measure_instrumentation() {
  constexpr int n = 20000;
  auto us_per = [](auto&& f, int count) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i)
      f();
    std::chrono::duration<double, std::micro> d = std::chrono::steady_clock::now() - start;
    return d.count() / count;
  };
  instrumentation_costs c;
  // An empty scope of each clock: its clock reads and counter updates.
  c.cpu_clock_scope_us =
    us_per([] { crypto::detail::timed_op t(crypto::detail::op::password); }, n);
  c.wall_clock_scope_us = us_per([] { crypto::detail::timed_symmetric t; }, n);
  sample_log log;
  c.sample_us = us_per([&] { log.offer(sample_resources(sim_time{})); }, n / 10);
  return c;
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
