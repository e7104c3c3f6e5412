#include "scenarios/explore/explorer.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/engine/key_cache.hpp"
#include "scenarios/engine/world.hpp"
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

double own_cpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// A line of a worker's report: no tabs or newlines inside a field.
std::string flat(std::string s) {
  for (auto& c : s)
    if (c == '\t' || c == '\n' || c == '\r')
      c = ' ';
  return s;
}

/// One seed's outcome, as a worker reports it.
struct seed_report {
  std::uint64_t seed = 0;
  std::size_t faults = 0;
  std::size_t actions = 0;
  std::string failure;
  std::string observed;
};

seed_report play(const target& t, std::uint64_t seed) {
  auto sched = draw_schedule(t.loaded, seed);
  trial_result r;
  try {
    r = run_trial(t, sched, seed);
  } catch (const std::exception& e) {
    // Nothing a schedule does may throw out of a run: a finding, like a crash.
    return {seed, sched.faults(), sched.actions(), "exception", e.what()};
  }
  seed_report out{seed, sched.faults(), sched.actions(), r.failure(), {}};
  if (!r.broken.empty())
    out.observed = r.broken.front().observed;
  else if (!r.completed)
    out.observed = r.incomplete_reason;
  return out;
}

std::string encode(const seed_report& r) {
  return "R\t" + std::to_string(r.seed) + "\t" + std::to_string(r.faults) + "\t" +
         std::to_string(r.actions) + "\t" + flat(r.failure) + "\t" + flat(r.observed) + "\n";
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos)
      return out;
    start = tab + 1;
  }
}

/// The seeds worker `job` of `jobs` plays, in order, until `more` says stop.
class seed_plan {
public:
  seed_plan(const explore_options& o, clock_type::time_point start)
    : o_(o)
    , deadline_(o.time ? start + *o.time : clock_type::time_point::max())
    , count_(o.seeds.value_or(o.time ? UINT64_MAX : 100)) {}

  bool more(std::uint64_t index) const {
    return index < count_ && clock_type::now() < deadline_;
  }
  std::uint64_t seed(std::uint64_t index) const {
    return o_.from + index;
  }

private:
  const explore_options& o_;
  clock_type::time_point deadline_;
  std::uint64_t count_;
};

void record(explore_summary& sum, const seed_report& r) {
  ++sum.runs;
  sum.faults += r.faults;
  sum.actions += r.actions;
  sum.last_seed = std::max(sum.last_seed, r.seed);
  if (r.failure.empty())
    return;
  auto& f = sum.failures[r.failure];
  f.name = r.failure;
  if (f.count++ == 0 || r.seed < f.seeds.front()) {
    f.observed = r.observed;
  }
  f.seeds.push_back(r.seed);
  std::sort(f.seeds.begin(), f.seeds.end());
  if (f.seeds.size() > 10)
    f.seeds.resize(10);
}

/// Makes every long-term key once, before the workers fork, so they share it.
void warm_keys(const target& t) {
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

class pool {
public:
  pool(const target& t, const explore_options& o, explore_summary& sum,
       const explore_progress& progress)
    : t_(t)
    , o_(o)
    , sum_(sum)
    , progress_(progress) {}

  void run(clock_type::time_point start) {
    start_ = start;
    seed_plan plan(o_, start);
    if (o_.jobs <= 1)
      return run_here(plan);
    for (unsigned j = 0; j < o_.jobs; ++j)
      spawn(plan, j);
    collect();
  }

private:
  struct worker {
    pid_t pid = -1;
    int fd = -1;
    std::string buffer;
    std::optional<std::uint64_t> running; ///< the seed it started last and has not finished
  };

  void run_here(const seed_plan& plan) {
    auto last = clock_type::now();
    for (std::uint64_t i = 0; plan.more(i); ++i) {
      record(sum_, play(t_, plan.seed(i)));
      if (progress_ && since(last) > 0.25) {
        last = clock_type::now();
        sum_.seconds = since(start_);
        progress_("exploring", sum_);
      }
    }
  }

  [[noreturn]] static void child(const target& t, const seed_plan& plan, unsigned job,
                                 unsigned jobs, int fd) {
    auto write_all = [fd](const std::string& s) {
      for (std::size_t done = 0; done < s.size();) {
        auto n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0)
          _exit(3);
        done += static_cast<std::size_t>(n);
      }
    };
    for (std::uint64_t i = job; plan.more(i); i += jobs) {
      write_all("S\t" + std::to_string(plan.seed(i)) + "\n");
      write_all(encode(play(t, plan.seed(i))));
    }
    ::close(fd);
    std::fflush(nullptr);
    _exit(0);
  }

  void spawn(const seed_plan& plan, unsigned job) {
    int fds[2];
    if (::pipe(fds) != 0)
      throw std::runtime_error(std::string("explore: pipe: ") + std::strerror(errno));
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0)
      throw std::runtime_error(std::string("explore: fork: ") + std::strerror(errno));
    if (pid == 0) {
      ::close(fds[0]);
      for (const auto& w : workers_)
        ::close(w.fd);
      child(t_, plan, job, o_.jobs, fds[1]);
    }
    ::close(fds[1]);
    workers_.push_back({pid, fds[0], {}, std::nullopt});
  }

  void line(worker& w, const std::string& text) {
    auto f = split_tabs(text);
    if (f.size() == 2 && f[0] == "S") {
      w.running = std::stoull(f[1]);
    } else if (f.size() == 6 && f[0] == "R") {
      w.running.reset();
      record(sum_, {std::stoull(f[1]), std::stoull(f[2]), std::stoull(f[3]), f[4], f[5]});
    }
  }

  bool read_from(worker& w) {
    char buf[8192];
    auto n = ::read(w.fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      return true;
    if (n <= 0)
      return false;
    w.buffer.append(buf, static_cast<std::size_t>(n));
    for (auto nl = w.buffer.find('\n'); nl != std::string::npos; nl = w.buffer.find('\n')) {
      line(w, w.buffer.substr(0, nl));
      w.buffer.erase(0, nl + 1);
    }
    return true;
  }

  /// A worker that died in the middle of a seed crashed on it: a finding.
  void reap(worker& w) {
    int status = 0;
    ::waitpid(w.pid, &status, 0);
    ::close(w.fd);
    w.fd = -1;
    if (WIFSIGNALED(status) && w.running) {
      seed_report r{*w.running, 0, 0, "crash",
                    std::string("the run died of signal ") + std::to_string(WTERMSIG(status)) +
                      " (" + strsignal(WTERMSIG(status)) + ")"};
      record(sum_, r);
    }
  }

  void collect() {
    auto last = clock_type::now();
    for (;;) {
      std::vector<pollfd> fds;
      for (const auto& w : workers_)
        if (w.fd >= 0)
          fds.push_back({w.fd, POLLIN, 0});
      if (fds.empty())
        return;
      ::poll(fds.data(), fds.size(), 250);
      for (auto& w : workers_) {
        if (w.fd < 0)
          continue;
        pollfd p{w.fd, POLLIN, 0};
        if (::poll(&p, 1, 0) > 0 && !read_from(w))
          reap(w);
      }
      if (progress_ && since(last) > 0.25) {
        last = clock_type::now();
        sum_.seconds = since(start_);
        progress_("exploring", sum_);
      }
    }
  }

  const target& t_;
  const explore_options& o_;
  explore_summary& sum_;
  const explore_progress& progress_;
  std::vector<worker> workers_;
  clock_type::time_point start_;
};

std::string file_name(const target& t, const std::string& failure, std::uint64_t seed) {
  auto stem = std::filesystem::path(t.file).stem().string();
  return stem + "." + failure + ".seed-" + std::to_string(seed) + ".yaml";
}

void write_reproducer(const target& t, const explore_options& o, failure_summary& f,
                      explore_summary& sum, const explore_progress& progress) {
  auto seed = f.seeds.front();
  auto sched = draw_schedule(t.loaded, seed);
  f.original_items = sched.items.size();
  shrunk s;
  // A run that crashed or threw is written as drawn: shrinking would rerun it here.
  if (o.shrink && f.name != "crash" && f.name != "exception") {
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
  std::ofstream out(f.reproducer, std::ios::binary);
  if (!out)
    throw std::runtime_error("explore: cannot write " + f.reproducer);
  out << reproducer_text(t, s, seed, f.name, o.command);
}

} // namespace

std::string reproducer_text(const target& t, const shrunk& s, std::uint64_t seed,
                            const std::string& failure, const std::string& command) {
  auto tree = with_schedule(t, s.minimal, seed);
  put(tree, "scenario", t.loaded.name + "-seed-" + std::to_string(seed));
  put(tree, "description",
      "protobed explore: " + failure + " broken under a drawn schedule of " + t.file + " (seed " +
        std::to_string(seed) + ")");
  std::ostringstream head;
  head << "# Found by: " << (command.empty() ? "protobed explore " + t.file : command) << "\n";
  head << "# Seed " << seed << " broke " << failure;
  if (!s.trial.broken.empty())
    head << " (observed: " << flat(s.trial.broken.front().observed) << ")";
  head << ".\n# Schedule, shrunk from " << s.original_items << " to " << s.minimal.items.size()
       << " item(s) in " << s.runs << " run(s):\n";
  for (const auto& item : s.minimal.items)
    head << "#   " << item.describe() << "\n";
  head << "# Replay: protobed run FILE   (this file; it fails with " << failure << ")\n";
  // The scenario's own keys first, the rest as the run had them.
  return head.str() + to_yaml(tree);
}

explore_summary explore_target(const target& t, const explore_options& o,
                               const explore_progress& progress) {
  explore_summary sum;
  sum.file = t.file;
  sum.from = o.from;
  sum.last_seed = o.from;
  sum.jobs = o.jobs;
  warm_keys(t);
  auto start = clock_type::now();
  auto cpu0 = o.jobs <= 1 ? own_cpu() : children_cpu();
  pool(t, o, sum, progress).run(start);
  sum.seconds = since(start);
  sum.cpu_seconds = (o.jobs <= 1 ? own_cpu() : children_cpu()) - cpu0;
  auto shrink_start = clock_type::now();
  for (auto& [name, f] : sum.failures)
    write_reproducer(t, o, f, sum, progress);
  sum.shrink_seconds = since(shrink_start);
  return sum;
}

} // namespace protobed::explore
