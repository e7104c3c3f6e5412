#include "scenarios/explore/explorer.hpp"

#include "crypto/password.hpp"

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "actors/runtime/time.hpp"
#include "crypto/password.hpp"
#include "scenarios/engine/key_cache.hpp"
#include "scenarios/engine/world.hpp"
#include "scenarios/explore/process.hpp"
#include "scenarios/explore/workers.hpp"
#include "scenarios/explore/yaml_writer.hpp"

namespace protobed::explore {

namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

double children_cpu() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// Makes every long-term key once, before the workers fork, so they share it.
void warm_keys(const target& t) {
  // Every run hashes the same passwords with the same salts (set-up from the
  // key seed): scrypt once per password, salt and guess in this process.
  crypto::remember_scrypt(4096);
  auto s = t.loaded;
  s.key_seed = t.key_seed;
  world w;
  build_world(s, world_options{s.seed, false, false, nullptr}, w);
  key_cache::shared().rsa(t.key_seed, "keys." + t.attacker);
  // One run without faults makes the keys participants make as they go
  // (session keys), so the workers share those too. The run's actor system
  // is gone (its threads joined) before any worker forks.
  run_trial(t, schedule{}, s.seed);
}

/// Failures of these kinds are not invariants of the run: reported as such.
bool process_failure(const std::string& name) {
  return name == "crash" || name == "timeout" || name == "exception" || name == "worker-died" ||
         name == "incomplete" || name == "invalid-schedule";
}

/// Shrinking replays the run in this process: not for one that crashed,
/// hung or threw.
bool shrinkable(const std::string& name) {
  return name != "crash" && name != "timeout" && name != "exception";
}

std::string file_name(const target& t, const std::string& failure, std::uint64_t seed) {
  auto stem = std::filesystem::path(t.file).stem().string();
  return stem + "." + failure + ".seed-" + std::to_string(seed) + ".yaml";
}

std::string seed_list(const std::vector<std::uint64_t>& seeds, std::uint64_t count) {
  std::string text;
  for (std::size_t i = 0; i < seeds.size(); ++i)
    text += (i ? ", " : "") + std::to_string(seeds[i]);
  return text + (count > seeds.size() ? ", …" : "");
}

/// Shrinks the failure's lowest seed, replays the reproducer once as `run`
/// would, and writes it (marked when the replay did not fail again).
void write_reproducer(const target& t, const explore_options& o, failure_summary& f,
                      explore_summary& sum, const explore_progress& progress) {
  auto seed = f.seeds.front();
  auto sched = draw_schedule(t.loaded, seed);
  f.original_items = sched.items.size();
  shrunk s;
  if (o.shrink && shrinkable(f.name)) {
    s = shrink(t, sched, seed, f.name, [&](std::size_t, std::size_t) {
      if (progress)
        progress("shrinking " + f.name, sum);
    });
  } else {
    s.minimal = sched;
    s.original_items = sched.items.size();
  }
  f.minimal_items = s.minimal.items.size();
  f.shrink_runs = s.runs;
  for (const auto& item : s.minimal.items)
    f.schedule.push_back(item.describe());
  std::filesystem::create_directories(o.out_dir);
  f.reproducer = (std::filesystem::path(o.out_dir) / file_name(t, f.name, seed)).string();
  if (progress)
    progress("replaying " + f.name, sum);
  reproducer_notes notes{f.observed, std::nullopt};
  notes.replay = replay_reproducer(reproducer_text(t, s, seed, f.name, o.command, notes),
                                   f.reproducer, o.seed_timeout);
  f.reproduced = notes.replay->shows(f.name);
  f.replay = notes.replay->describe();
  std::ofstream out(f.reproducer, std::ios::binary);
  if (!out)
    throw std::runtime_error("explore: cannot write " + f.reproducer);
  out << reproducer_text(t, s, seed, f.name, o.command, notes);
}

/// What the run of the minimal schedule observed of `failure`, else `fallback`.
std::string observed_of(const shrunk& s, const std::string& failure, const std::string& fallback) {
  for (const auto& b : s.trial.broken)
    if (b.name == failure)
      return b.observed;
  return fallback;
}

std::string replay_lines(const std::string& failure, const std::optional<replay_outcome>& r) {
  if (!r)
    return "# Replay: protobed run FILE   (this file; it fails with " + failure + ")\n";
  if (r->shows(failure))
    return "# Replay: protobed run FILE   (this file; explore replayed it once: it fails with " +
           failure + " again)\n";
  return "# NOT REPRODUCED: explore replayed this file once, as 'protobed run' plays it, and it\n"
         "# did not fail with " +
         failure + ": it " + flat(r->describe()) + ".\n# Replay: protobed run FILE   (this file)\n";
}

} // namespace

std::string options_problem(const explore_options& o) {
  if (o.jobs < 1 || o.jobs > 256)
    return "--jobs must be 1..256";
  if (o.seeds && *o.seeds == 0)
    return "--seeds must be at least 1";
  if (o.seeds && o.from > UINT64_MAX - (*o.seeds - 1))
    return "--from and --seeds go past the largest seed";
  if (o.seeds && o.time)
    return "--seeds and --time exclude each other";
  if (o.time && *o.time < min_time)
    return "--time must be at least " + format_duration(min_time) + " (" +
           format_duration(*o.time) + " may allow no run at all)";
  if (o.seed_timeout.count() <= 0)
    return "--seed-timeout must be longer than 0";
  return test_hook_problem(o.test_hook);
}

std::string explore_summary::runs_problem() const {
  std::string gaps;
  if (unreported > 0)
    gaps = "; no report for " + std::to_string(unreported) +
           " seed(s): " + seed_list(unreported_seeds, unreported);
  if (asked && (runs != *asked || unreported > 0))
    return std::to_string(runs) + " of " + std::to_string(*asked) + " seeds asked for were played" +
           gaps;
  if (runs == 0)
    return "no seed was played in the time given";
  if (unreported > 0)
    return std::to_string(unreported) + " seed(s) were held by a worker and never reported: " +
           seed_list(unreported_seeds, unreported);
  return {};
}

std::string reproducer_text(const target& t, const shrunk& s, std::uint64_t seed,
                            const std::string& failure, const std::string& command,
                            const reproducer_notes& notes) {
  auto tree = with_schedule(t, s.minimal, seed);
  put(tree, "scenario", t.loaded.name + "-seed-" + std::to_string(seed));
  put(tree, "description",
      "protobed explore: " + failure + (process_failure(failure) ? "" : " broken") +
        " under a drawn schedule of " + t.file + " (seed " + std::to_string(seed) + ")");
  std::ostringstream head;
  head << "# Found by: " << (command.empty() ? "protobed explore " + t.file : command) << "\n";
  head << "# Seed " << seed << (process_failure(failure) ? " failed: " : " broke ") << failure;
  auto observed = observed_of(s, failure, notes.observed);
  if (!observed.empty())
    head << " (observed: " << flat(observed) << ")";
  if (s.runs > 0)
    head << ".\n# Schedule, shrunk from " << s.original_items << " to " << s.minimal.items.size()
         << " item(s) in " << s.runs << " run(s):\n";
  else
    head << ".\n# Schedule, as drawn (not shrunk), " << s.minimal.items.size() << " item(s):\n";
  for (const auto& item : s.minimal.items)
    head << "#   " << item.describe() << "\n";
  head << replay_lines(failure, notes.replay);
  // The scenario's own keys first, the rest as the run had them.
  return head.str() + to_yaml(tree);
}

explore_summary explore_target(const target& t, const explore_options& o,
                               const explore_progress& progress) {
  if (auto problem = options_problem(o); !problem.empty())
    throw std::invalid_argument("explore: " + problem);
  explore_summary sum;
  sum.file = t.file;
  sum.from = o.from;
  if (!o.time)
    sum.asked = o.seeds.value_or(100);
  sum.last_seed = o.from;
  sum.jobs = o.jobs;
  warm_keys(t);
  auto start = clock_type::now();
  auto cpu0 = children_cpu();
  play_seeds(t, o, sum, progress);
  sum.seconds = since(start);
  sum.cpu_seconds = children_cpu() - cpu0;
  auto shrink_start = clock_type::now();
  for (auto& [name, f] : sum.failures)
    if (!f.seeds.empty())
      write_reproducer(t, o, f, sum, progress);
  sum.shrink_seconds = since(shrink_start);
  return sum;
}

} // namespace protobed::explore
