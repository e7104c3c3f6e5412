#include "scenarios/explore/shrink.hpp"

#include <algorithm>
#include <cstdint>

#include "scenarios/explore/yaml_writer.hpp"

namespace protobed::explore {

namespace {

/// Options that make an item harder to read and that it works without.
const std::vector<std::string> optional_keys = {
  "probability", "count", "burst", "jitter", "copies", "spacing", "bytes",
  "hold",        "times", "after", "state",  "to",     "fields",  "from"};
/// Options whose smallest useful value is 1 (or the first packet).
const std::vector<std::string> count_keys = {"occurrence", "count", "burst",
                                             "copies",     "times", "bytes"};
/// Durations that may be zero.
const std::vector<std::string> zero_keys = {"by", "spacing", "after", "jitter"};

bool contains(const std::vector<std::string>& v, const std::string& k) {
  return std::find(v.begin(), v.end(), k) != v.end();
}

/// Where a map of options sits in an item.
enum class level : std::uint8_t { top, nested, fields };

/// Every one-step simpler version of one item's options (`opts` is the map
/// of options, or a nested map like on:/copy_of:/fields:).
void simpler(const config_node& opts, level at, std::vector<config_node>& out) {
  for (std::size_t i = 0; i < opts.entries.size(); ++i) {
    const auto& e = opts.entries[i];
    // A forge's fields: each may go (the schema's default takes its place),
    // whatever it was: copied, observed, a literal, a stolen key.
    bool removable = at == level::fields || (at == level::top && contains(optional_keys, e.key));
    if (removable) {
      auto v = opts;
      v.entries.erase(v.entries.begin() + static_cast<std::ptrdiff_t>(i));
      out.push_back(std::move(v));
    }
    if (e.value.is_scalar() && contains(count_keys, e.key) && e.value.scalar != "1") {
      auto v = opts;
      v.entries[i].value = scalar_node("1");
      out.push_back(std::move(v));
    }
    if (e.value.is_scalar() && contains(zero_keys, e.key) && e.value.scalar != "0ms") {
      auto v = opts;
      v.entries[i].value = scalar_node("0ms");
      out.push_back(std::move(v));
    }
    if (e.value.is_map()) {
      std::vector<config_node> inner;
      simpler(e.value, at == level::top && e.key == "fields" ? level::fields : level::nested,
              inner);
      for (auto& n : inner) {
        auto v = opts;
        v.entries[i].value = std::move(n);
        out.push_back(std::move(v));
      }
    }
  }
}

class shrinker {
public:
  shrinker(const target& t, std::uint64_t seed, const std::string& failure,
           const shrink_progress& progress)
    : t_(t)
    , seed_(seed)
    , failure_(failure)
    , progress_(progress) {}

  /// Runs `candidate`; keeps it as the best so far if it still fails.
  bool still_fails(const schedule& candidate) {
    auto r = run_trial(t_, candidate, seed_);
    ++runs_;
    bool fails = shows(r, failure_);
    if (fails)
      best_ = r;
    if (progress_)
      progress_(runs_, candidate.items.size());
    return fails;
  }

  /// Removes items one at a time until none can go (1-minimal); tries the
  /// halves first, so a long schedule shrinks in few runs.
  void items(schedule& s) {
    for (std::size_t chunk = std::max<std::size_t>(1, s.items.size() / 2); chunk >= 1; chunk /= 2) {
      bool removed = true;
      while (removed && !s.items.empty()) {
        removed = false;
        for (std::size_t at = 0; at < s.items.size(); at += chunk) {
          auto candidate = s;
          auto end = std::min(at + chunk, candidate.items.size());
          candidate.items.erase(candidate.items.begin() + static_cast<std::ptrdiff_t>(at),
                                candidate.items.begin() + static_cast<std::ptrdiff_t>(end));
          if (still_fails(candidate)) {
            s = std::move(candidate);
            removed = true;
            break;
          }
        }
      }
      if (chunk == 1)
        break;
    }
  }

  /// Simplifies each item's options while the failure stays.
  void parameters(schedule& s) {
    for (auto& item : s.items) {
      bool changed = true;
      while (changed) {
        changed = false;
        std::vector<config_node> options;
        simpler(item.body.entries.front().value, level::top, options);
        for (auto& o : options) {
          auto candidate = s;
          auto& target_item = candidate.items[static_cast<std::size_t>(&item - &s.items[0])];
          target_item.body.entries.front().value = o;
          if (still_fails(candidate)) {
            item.body.entries.front().value = std::move(o);
            changed = true;
            break;
          }
        }
      }
    }
  }

  std::size_t runs() const {
    return runs_;
  }
  const trial_result& best() const {
    return best_;
  }
  void set_best(trial_result r) {
    best_ = std::move(r);
  }

private:
  const target& t_;
  std::uint64_t seed_;
  std::string failure_;
  const shrink_progress& progress_;
  std::size_t runs_ = 0;
  trial_result best_;
};

} // namespace

bool shows(const trial_result& r, const std::string& failure) {
  if (failure == "incomplete" || failure == "invalid-schedule")
    return r.failure() == failure;
  return std::any_of(r.broken.begin(), r.broken.end(),
                     [&](const broken_invariant& b) { return b.name == failure; });
}

shrunk shrink(const target& t, const schedule& sched, std::uint64_t seed,
              const std::string& failure, const shrink_progress& progress) {
  shrinker s(t, seed, failure, progress);
  shrunk out;
  out.original_items = sched.items.size();
  out.minimal = sched;
  s.set_best(run_trial(t, sched, seed));
  s.items(out.minimal);
  s.parameters(out.minimal);
  out.trial = s.best();
  out.runs = s.runs() + 1;
  return out;
}

} // namespace protobed::explore
