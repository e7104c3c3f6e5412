#include "scenarios/explore/workers.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <list>
#include <stdexcept>
#include <thread>

#include "actors/runtime/time.hpp"
#include "scenarios/explore/process.hpp"

namespace protobed::explore {

namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

// ---------------------------------------------------------------- test hooks

enum class hook_action { none, exit, kill, hang, skip, quit };

const std::vector<std::pair<std::string, hook_action>> hook_names = {{"exit", hook_action::exit},
                                                                     {"kill", hook_action::kill},
                                                                     {"hang", hook_action::hang},
                                                                     {"skip", hook_action::skip},
                                                                     {"quit", hook_action::quit}};

/// What the test hook asks a worker to do at each seed.
class test_hooks {
public:
  /// Throws std::invalid_argument with the reason when `spec` is malformed.
  explicit test_hooks(const std::string& spec) {
    std::size_t start = 0;
    while (start < spec.size()) {
      auto comma = std::min(spec.find(',', start), spec.size());
      add(spec.substr(start, comma - start));
      start = comma + 1;
    }
  }

  hook_action at(std::uint64_t seed) const {
    auto i = by_seed_.find(seed);
    return i != by_seed_.end() ? i->second : every_;
  }

private:
  void add(const std::string& item) {
    auto at = item.find('@');
    auto bad = [&] {
      return std::invalid_argument("test hook (" + std::string(test_hook_variable) + ") '" + item +
                                   "' is not ACTION@SEED with ACTION exit, kill, " +
                                   "hang, skip or quit and SEED a number or *");
    };
    if (at == std::string::npos)
      throw bad();
    auto name = item.substr(0, at), seed = item.substr(at + 1);
    auto action = std::find_if(hook_names.begin(), hook_names.end(),
                               [&](const auto& n) { return n.first == name; });
    if (action == hook_names.end())
      throw bad();
    if (seed == "*")
      every_ = action->second;
    else if (!seed.empty() && seed.size() <= 19 &&
             seed.find_first_not_of("0123456789") == std::string::npos)
      by_seed_[std::stoull(seed)] = action->second;
    else
      throw bad();
  }

  std::map<std::uint64_t, hook_action> by_seed_;
  hook_action every_ = hook_action::none;
};

/// Does what the hook says while a seed is being played (skip and quit act
/// before it starts).
void misbehave(hook_action a, std::chrono::milliseconds seed_timeout) {
  if (a == hook_action::exit)
    _exit(1);
  if (a == hook_action::kill)
    ::raise(SIGKILL);
  if (a == hook_action::hang)
    std::this_thread::sleep_for(3 * seed_timeout);
}

// ---------------------------------------------------------------- one seed

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

/// Counts a failure of kind `name` (of `seed`, if it has one).
void count_failure(explore_summary& sum, const std::string& name, std::optional<std::uint64_t> seed,
                   const std::string& observed) {
  auto& f = sum.failures[name];
  f.name = name;
  bool first = f.count++ == 0 || (seed && !f.seeds.empty() && *seed < f.seeds.front());
  if (first)
    f.observed = observed;
  if (!seed)
    return;
  f.seeds.push_back(*seed);
  std::sort(f.seeds.begin(), f.seeds.end());
  if (f.seeds.size() > 10)
    f.seeds.resize(10);
}

void record(explore_summary& sum, const seed_report& r) {
  ++sum.runs;
  sum.faults += r.faults;
  sum.actions += r.actions;
  sum.last_seed = std::max(sum.last_seed, r.seed);
  if (!r.failure.empty())
    count_failure(sum, r.failure, r.seed, r.observed);
}

// ---------------------------------------------------------------- the books

/// The seeds worker `job` of `jobs` plays, in order, until `more` says stop.
class seed_plan {
public:
  seed_plan(const explore_options& o, clock_type::time_point start)
    : from_(o.from)
    , jobs_(o.jobs)
    , timed_(o.time.has_value())
    , deadline_(o.time ? start + *o.time : clock_type::time_point::max())
    , count_(o.seeds.value_or(o.time ? UINT64_MAX : 100)) {}

  bool more(std::uint64_t index) const {
    return index < count_ && clock_type::now() < deadline_;
  }
  std::uint64_t seed(std::uint64_t index) const {
    return from_ + index;
  }
  std::uint64_t index(std::uint64_t seed) const {
    return seed - from_;
  }
  unsigned jobs() const {
    return jobs_;
  }
  bool timed() const {
    return timed_;
  }
  std::uint64_t count() const {
    return count_;
  }

private:
  std::uint64_t from_;
  unsigned jobs_;
  bool timed_;
  clock_type::time_point deadline_;
  std::uint64_t count_;
};

/// Which seed each job reports next: a job's seeds are reported in order,
/// so a gap is a seed its worker held and never reported.
class seed_ledger {
public:
  explicit seed_ledger(const seed_plan& plan)
    : plan_(plan) {
    for (unsigned j = 0; j < plan.jobs(); ++j)
      next_.push_back(j);
  }

  void reported(unsigned job, std::uint64_t seed, explore_summary& sum) {
    auto index = plan_.index(seed);
    auto& next = next_[job];
    if (index < next)
      return; // reported twice: the runs outnumber the seeds asked for
    unreported(next, index, sum);
    next = index + plan_.jobs();
  }

  /// The index of the next seed `job` should report.
  std::uint64_t next(unsigned job) const {
    return next_[job];
  }

  /// At the end: every seed asked for that no report covered.
  void close(explore_summary& sum) const {
    if (plan_.timed())
      return;
    for (auto next : next_)
      unreported(next, plan_.count(), sum);
  }

private:
  /// Indices `from`, `from + jobs`, … below `to`, none reported.
  void unreported(std::uint64_t from, std::uint64_t to, explore_summary& sum) const {
    if (to <= from)
      return;
    auto n = (to - from + plan_.jobs() - 1) / plan_.jobs();
    sum.unreported += n;
    auto& seeds = sum.unreported_seeds;
    for (std::uint64_t k = 0; k < std::min<std::uint64_t>(n, 10); ++k)
      seeds.push_back(plan_.seed(from + k * plan_.jobs()));
    std::sort(seeds.begin(), seeds.end());
    if (seeds.size() > 10)
      seeds.resize(10);
  }

  const seed_plan& plan_;
  std::vector<std::uint64_t> next_;
};

// ---------------------------------------------------------------- the pool

class pool {
public:
  pool(const target& t, const explore_options& o, explore_summary& sum,
       const explore_progress& progress, const seed_plan& plan)
    : t_(t)
    , o_(o)
    , sum_(sum)
    , progress_(progress)
    , plan_(plan)
    , hooks_(o.test_hook)
    , ledger_(plan) {}

  void run(clock_type::time_point start) {
    start_ = start;
    for (unsigned j = 0; j < o_.jobs; ++j)
      spawn(j, j);
    collect();
    ledger_.close(sum_);
  }

private:
  struct worker {
    unsigned job = 0;
    pid_t pid = -1;
    int fd = -1;
    std::string buffer;
    std::optional<std::uint64_t> running; ///< the seed it started last and has not reported
    clock_type::time_point running_since;
    std::optional<std::uint64_t> last; ///< the seed it reported last
    bool ended = false;                ///< it said its seeds were done
  };

  [[noreturn]] void child(std::uint64_t first, int fd) const {
    for (std::uint64_t i = first; plan_.more(i); i += plan_.jobs()) {
      auto seed = plan_.seed(i);
      auto hook = hooks_.at(seed);
      if (hook == hook_action::skip)
        continue;
      if (hook == hook_action::quit)
        _exit(0);
      if (!write_all(fd, "S\t" + std::to_string(seed) + "\n"))
        _exit(3);
      misbehave(hook, o_.seed_timeout);
      if (!write_all(fd, encode(play(t_, seed))))
        _exit(3);
    }
    write_all(fd, "E\n");
    ::close(fd);
    _exit(0);
  }

  /// A worker for `job`, starting at the seed of index `first`.
  void spawn(unsigned job, std::uint64_t first) {
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
      child(first, fds[1]);
    }
    ::close(fds[1]);
    worker w;
    w.job = job;
    w.pid = pid;
    w.fd = fds[0];
    workers_.push_back(std::move(w));
  }

  void line(worker& w, const std::string& text) {
    auto f = split_tabs(text);
    if (f.size() == 2 && f[0] == "S") {
      w.running = std::stoull(f[1]);
      w.running_since = clock_type::now();
    } else if (f.size() == 6 && f[0] == "R") {
      seed_report r{std::stoull(f[1]), std::stoull(f[2]), std::stoull(f[3]), f[4], f[5]};
      w.running.reset();
      w.last = r.seed;
      ledger_.reported(w.job, r.seed, sum_);
      record(sum_, r);
    } else if (f.size() == 1 && f[0] == "E") {
      w.ended = true;
    }
  }

  /// Reads what is there; false at the end of the pipe.
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

  /// The worker is gone (or, `timed_out`, is stopped now): reaps it, reads
  /// what it wrote last, and books what it left undone.
  void finish(worker& w, bool timed_out) {
    if (timed_out)
      ::kill(w.pid, SIGKILL);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    while (read_from(w)) {
    }
    ::close(w.fd);
    w.fd = -1;
    if (w.running)
      return lost_seed(w, timed_out, status);
    if (timed_out && !w.ended) { // it reported the seed just as it was stopped
      respawns_.emplace_back(w.job, ledger_.next(w.job));
      return;
    }
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!w.ended || !clean)
      died_between_seeds(w, status);
  }

  /// The worker exited, or was stopped, while playing a seed: a finding for
  /// that seed; a new worker takes the job's next one.
  void lost_seed(worker& w, bool timed_out, int status) {
    auto seed = *w.running;
    auto observed =
      timed_out ? "the run took longer than the seed timeout of " +
                    format_duration(o_.seed_timeout) + " (wall time); its worker was stopped"
                : "the worker " + exit_text(status) + " while playing the seed, without a report";
    ledger_.reported(w.job, seed, sum_);
    record(sum_, {seed, 0, 0, timed_out ? "timeout" : "crash", observed});
    respawns_.emplace_back(w.job, plan_.index(seed) + plan_.jobs());
  }

  void died_between_seeds(worker& w, int status) {
    auto next = ledger_.next(w.job);
    bool again = !w.ended && w.last.has_value();
    std::string observed =
      "a worker (job " + std::to_string(w.job + 1) + ") " + exit_text(status) + " between seeds, ";
    if (w.ended)
      observed += "after its last seed";
    else
      observed += (w.last ? "after seed " + std::to_string(*w.last) : "before its first seed") +
                  ", without a report for its seeds from " + std::to_string(plan_.seed(next)) +
                  (again ? " on: a new worker took them" : " on: they were not played");
    count_failure(sum_, "worker-died", std::nullopt, observed);
    if (again)
      respawns_.emplace_back(w.job, next);
  }

  bool overdue(const worker& w) const {
    return w.running && clock_type::now() - w.running_since > o_.seed_timeout;
  }

  void collect() {
    auto last = clock_type::now();
    while (!workers_.empty()) {
      std::vector<pollfd> fds;
      for (const auto& w : workers_)
        fds.push_back({w.fd, POLLIN, 0});
      ::poll(fds.data(), fds.size(), 250);
      std::size_t k = 0;
      for (auto& w : workers_) {
        auto ready = fds[k++].revents != 0;
        if (ready && !read_from(w))
          finish(w, false);
        else if (overdue(w))
          finish(w, true);
      }
      workers_.remove_if([](const worker& w) { return w.fd < 0; });
      for (const auto& [job, first] : respawns_)
        spawn(job, first);
      respawns_.clear();
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
  const seed_plan& plan_;
  test_hooks hooks_;
  seed_ledger ledger_;
  std::list<worker> workers_;
  std::vector<std::pair<unsigned, std::uint64_t>> respawns_;
  clock_type::time_point start_;
};

} // namespace

std::string test_hook_problem(const std::string& spec) {
  try {
    test_hooks parsed(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

void play_seeds(const target& t, const explore_options& o, explore_summary& sum,
                const explore_progress& progress) {
  auto start = clock_type::now();
  seed_plan plan(o, start);
  pool(t, o, sum, progress, plan).run(start);
}

} // namespace protobed::explore
