#include "benchmarks/overhead.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace protobed::bench {

namespace {

/// CPU seconds and transactions ended in one slice (inside the window).
struct slice_total {
  double cpu = 0;
  std::size_t transactions = 0;
};

/// on / off − 1 over the given pairs (all but `skip`).
double ratio(const std::vector<std::pair<slice_total, slice_total>>& pairs, std::size_t skip) {
  slice_total on, off;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i == skip)
      continue;
    on.cpu += pairs[i].first.cpu;
    on.transactions += pairs[i].first.transactions;
    off.cpu += pairs[i].second.cpu;
    off.transactions += pairs[i].second.transactions;
  }
  if (on.transactions == 0 || off.transactions == 0 || off.cpu <= 0)
    return 0;
  return (on.cpu / on.transactions) / (off.cpu / off.transactions) - 1;
}

} // namespace

std::size_t slice_of(sim_time t, sim_time slice) {
  return t.count() <= 0 ? 0 : static_cast<std::size_t>(t.count() / slice.count());
}

bool counting_in_slice(std::size_t k) {
  bool first_is_on = (k / 2) % 2 == 0;
  return (k % 2 == 0) == first_is_on;
}

overhead_result compare_slices(const run_result& r, const transaction_def& t, std::size_t warmup,
                               const std::vector<slice_sample>& samples, sim_time slice) {
  auto ends = transaction_ends(r, t);
  overhead_result out;
  if (ends.size() < 2 * warmup + 2 || samples.size() < 2)
    return out;
  auto from = warmup > 0 ? ends[warmup - 1] : ends.front();
  auto to = ends[ends.size() - warmup - 1];
  // Each interval between two samples ran with the counters as the first
  // sample left them; it belongs to that sample's slice.
  std::map<std::size_t, slice_total> slices;
  auto end = ends.begin();
  for (std::size_t i = 0; i + 1 < samples.size(); ++i) {
    const auto& a = samples[i].at;
    const auto& b = samples[i + 1].at;
    if (a.t.count() < from || b.t.count() > to)
      continue;
    auto& s = slices[slice_of(a.t, slice)];
    s.cpu += b.cpu_seconds - a.cpu_seconds;
    end = std::upper_bound(ends.begin(), ends.end(), a.t.count());
    s.transactions +=
      static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), b.t.count()) - end);
  }
  std::vector<std::pair<slice_total, slice_total>> pairs;
  for (const auto& [k, s] : slices)
    if (k % 2 == 0)
      if (auto next = slices.find(k + 1); next != slices.end())
        counting_in_slice(k) ? pairs.emplace_back(s, next->second)
                             : pairs.emplace_back(next->second, s); // (on, off)
  if (pairs.size() < 2)
    return out;
  out.pairs = pairs.size();
  slice_total on, off;
  for (const auto& [a, b] : pairs) {
    on.cpu += a.cpu;
    on.transactions += a.transactions;
    off.cpu += b.cpu;
    off.transactions += b.transactions;
  }
  out.on_cpu_ms = on.transactions ? on.cpu * 1e3 / on.transactions : 0;
  out.off_cpu_ms = off.transactions ? off.cpu * 1e3 / off.transactions : 0;
  out.overhead = ratio(pairs, pairs.size());
  // Jackknife: the spread of the estimate with each pair left out in turn.
  double m = static_cast<double>(pairs.size()), mean = 0;
  std::vector<double> loo;
  for (std::size_t i = 0; i < pairs.size(); ++i)
    loo.push_back(ratio(pairs, i));
  for (auto v : loo)
    mean += v / m;
  double ss = 0;
  for (auto v : loo)
    ss += (v - mean) * (v - mean);
  out.standard_error = std::sqrt((m - 1) / m * ss);
  return out;
}

} // namespace protobed::bench
