// `protobed explore FILE...`: random fault and attack schedules per seed,
// invariants checked, failures shrunk to reproducer files.
#include <sched.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "bin/cli/scenario_files.hpp"
#include "bin/cli/terminal.hpp"
#include "scenarios/explore/explorer.hpp"
#include "scenarios/explore/workers.hpp"

namespace po = boost::program_options;

namespace protobed::cli {

namespace {

struct explore_cli_options {
  std::vector<std::string> files;
  std::int64_t seeds = -1;
  std::string time;
  std::string seed_timeout = "60s";
  std::int64_t jobs = 0;
  std::int64_t from = 1;
  std::string out_dir = "explore-out";
  std::string report_file;
  std::vector<std::string> sets;
  bool no_shrink = false;
};

po::options_description describe(explore_cli_options& o) {
  po::options_description d(
    "Usage: protobed explore FILE... [--seeds N | --time 10m] [--jobs J] [--from SEED]\n\n"
    "Plays each scenario under a random schedule of faults (drops, bursts, delay,\n"
    "jitter, duplicates, reordering, corruption, partitions, offline windows,\n"
    "crashes) and attacker actions (replay, tamper, drop, inject, forge, delay,\n"
    "impersonate, substitute_key; stolen keys, sessions, channels and enrolments\n"
    "the attacker opens or reads, insiders it controls, floods past rate limits)\n"
    "drawn from each seed within the file's explore: bounds, in virtual time,\n"
    "and checks every invariant the scenario's protocols register.\n"
    "The first failure of each kind is shrunk to a minimal schedule, replayed once and\n"
    "written as an ordinary scenario file that 'protobed run' fails the same way.\n"
    "A worker that dies, a seed that runs past --seed-timeout, and runs that do\n"
    "not add up to the seeds asked for are failures too.\n"
    "Exit codes: 0 every invariant held on every seed asked for, 1 something\n"
    "broke (or seeds went unplayed), 2 bad input.\n\nOptions");
  d.add_options()("help,h", "show this help")("seeds", po::value(&o.seeds)->value_name("N"),
                                              "explore N seeds (default 100)")(
    "time", po::value(&o.time)->value_name("DURATION"),
    "explore until this much time passed, e.g. 30s or 10m (at least 1s)")(
    "seed-timeout", po::value(&o.seed_timeout)->value_name("DURATION"),
    "wall time one seed may take before it is stopped and reported as a "
    "'timeout' failure (default 60s)")("jobs,j", po::value(&o.jobs)->value_name("J"),
                                       "worker processes (default: the CPUs this process may use)")(
    "from", po::value(&o.from)->value_name("SEED"),
    "first seed (default 1)")("out", po::value(&o.out_dir)->value_name("DIR"),
                              "where reproducer files go (default explore-out)")(
    "report", po::value(&o.report_file)->value_name("FILE"),
    "write a JSON summary")("set", po::value(&o.sets)->composing()->value_name("P.OPTION=V"),
                            "set a participant's option, e.g. bank.unique_tids=false (repeatable)")(
    "no-shrink", po::bool_switch(&o.no_shrink), "write failing schedules as drawn")(
    "file", po::value(&o.files)->value_name("FILE"), "scenario files");
  return d;
}

unsigned usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return 1;
}

explore::explore_options options_of(const explore_cli_options& o, const args& a) {
  if (o.files.empty())
    throw usage_error("explore: no scenario file given (see 'protobed explore --help')");
  if (o.seeds >= 0 && !o.time.empty())
    throw usage_error("explore: --seeds and --time exclude each other");
  if (o.seeds == 0 || o.seeds < -1)
    throw usage_error("explore: --seeds must be at least 1");
  if (o.jobs < 0 || o.jobs > 256)
    throw usage_error("explore: --jobs must be 1..256");
  if (o.from < 0)
    throw usage_error("explore: --from must not be negative");
  auto timeout = parse_duration(o.seed_timeout);
  if (!timeout || timeout->count() <= 0)
    throw usage_error("explore: --seed-timeout must be a duration like 60s or 500ms, not '" +
                      o.seed_timeout + "'");
  explore::explore_options e;
  e.from = static_cast<std::uint64_t>(o.from);
  if (o.seeds > 0)
    e.seeds = static_cast<std::uint64_t>(o.seeds);
  if (!o.time.empty()) {
    auto d = parse_duration(o.time);
    if (!d || d->count() <= 0)
      throw usage_error("explore: --time must be a duration like 30s or 10m, not '" + o.time + "'");
    e.time = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  e.jobs = o.jobs > 0 ? static_cast<unsigned>(o.jobs) : usable_cpus();
  e.seed_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  if (const char* hook = std::getenv(explore::test_hook_variable))
    e.test_hook = hook;
  e.out_dir = o.out_dir;
  e.shrink = !o.no_shrink;
  e.command = "protobed explore";
  for (const auto& s : a)
    e.command += " " + s;
  if (auto problem = explore::options_problem(e); !problem.empty())
    throw usage_error("explore: " + problem);
  return e;
}

std::string fixed(double v, int digits = 1) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

std::string status_text(const std::string& stage, const explore::explore_summary& s,
                        const explore::explore_options& o) {
  std::string text = stage + " " + s.file + ": " + std::to_string(s.runs);
  if (o.seeds)
    text += "/" + std::to_string(*o.seeds);
  text += " seeds";
  if (s.seconds > 0 || stage == "exploring")
    text += " · " + fixed(s.runs_per_second()) + " runs/s";
  for (const auto& [name, f] : s.failures)
    text += " · " + name + " " + std::to_string(f.count);
  return text;
}

const char* paint(bool color, const char* code) {
  return color ? code : "";
}

std::string red(bool color, const std::string& text) {
  return std::string(paint(color, "\033[31m")) + text + paint(color, "\033[0m");
}

std::string seed_list(const std::vector<std::uint64_t>& seeds, std::uint64_t count) {
  std::string text;
  for (std::size_t i = 0; i < seeds.size(); ++i)
    text += (i ? ", " : "") + std::to_string(seeds[i]);
  return text + (count > seeds.size() ? ", …" : "");
}

void print_schedule(std::ostream& out, const explore::failure_summary& f) {
  out << "        schedule of seed " << f.seeds.front();
  if (f.shrink_runs > 0)
    out << ", shrunk from " << f.original_items << " to " << f.minimal_items << " item(s) in "
        << f.shrink_runs << " run(s):\n";
  else
    out << ", as drawn (not shrunk):\n";
  for (const auto& item : f.schedule)
    out << "          " << item << "\n";
  if (f.schedule.empty())
    out << "          (none: the scenario fails without faults or actions)\n";
}

void print_failure(std::ostream& out, const explore::failure_summary& f, std::uint64_t runs,
                   bool color) {
  out << "  " << red(color, "FAIL") << "  " << f.name << ": ";
  if (f.seeds.empty())
    out << f.count << " time(s)\n"; // a worker that died between seeds: no seed of its own
  else
    out << f.count << " of " << runs << " seeds (" << seed_list(f.seeds, f.count) << ")\n";
  if (!f.observed.empty())
    out << "        observed: " << f.observed << "\n";
  if (f.seeds.empty())
    return;
  print_schedule(out, f);
  out << "        replay: protobed run " << f.reproducer << "\n";
  if (!f.reproduced)
    out << "        " << red(color, "NOT REPRODUCED") << ": replayed once, the file " << f.replay
        << "\n";
}

void print_summary(std::ostream& out, const explore::target& t, const explore::explore_summary& s,
                   bool color) {
  out << "explore " << s.file << "\n";
  out << "  seeds     ";
  if (s.runs > 0)
    out << s.from << ".." << s.last_seed << " ";
  else
    out << "none played ";
  out << "(" << s.runs;
  if (s.asked && s.runs != *s.asked)
    out << " of " << *s.asked;
  out << " runs, " << s.jobs << (s.jobs == 1 ? " job" : " jobs") << ", " << fixed(s.seconds)
      << " s)\n";
  out << "  speed     " << fixed(s.runs_per_second()) << " runs/s, "
      << fixed(s.runs_per_second() / s.jobs) << " per job, "
      << fixed(s.cpu_seconds > 0 ? static_cast<double>(s.runs) / s.cpu_seconds : 0)
      << " per CPU-second\n";
  out << "  drawn     " << s.faults << " faults, " << s.actions << " attacker actions\n";
  out << "  checked   ";
  for (std::size_t i = 0; i < t.invariants.size(); ++i)
    out << (i ? ", " : "") << t.invariants[i];
  for (const auto& name : t.attacker_invariants)
    out << ", " << name
        << (name == "secrecy" ? " (with actions; with a compromise, secrecy_of_others)"
                              : " (with actions)");
  out << "\n";
  auto runs_problem = s.runs_problem();
  if (!runs_problem.empty())
    out << "  " << red(color, "FAIL") << "  runs: " << runs_problem << "\n";
  for (const auto& [name, f] : s.failures)
    print_failure(out, f, s.runs, color);
  auto kinds = s.failures.size() + (runs_problem.empty() ? 0 : 1);
  out << "result    "
      << (s.passed() ? std::string(paint(color, "\033[32m")) + "PASS" + paint(color, "\033[0m") +
                         " (every invariant held on every seed)"
                     : red(color, "FAIL") + " (" + std::to_string(kinds) + " kind(s) of failure)")
      << "\n";
}

nlohmann::json summary_json(const explore::target& t, const explore::explore_summary& s,
                            const explore::explore_options& o) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& [name, f] : s.failures) {
    nlohmann::json j = {
      {"name", name}, {"count", f.count}, {"seeds", f.seeds}, {"observed", f.observed}};
    if (!f.seeds.empty()) {
      j["original_items"] = f.original_items;
      j["minimal_items"] = f.minimal_items;
      j["shrink_runs"] = f.shrink_runs;
      j["schedule"] = f.schedule;
      j["reproducer"] = f.reproducer;
      j["reproduced"] = f.reproduced;
      j["replay"] = f.replay;
    }
    failures.push_back(std::move(j));
  }
  auto runs_problem = s.runs_problem();
  return {
    {"file", s.file},
    {"from", s.from},
    {"last_seed", s.last_seed},
    {"asked", s.asked ? nlohmann::json(*s.asked) : nlohmann::json(nullptr)},
    {"runs", s.runs},
    {"unreported", s.unreported},
    {"unreported_seeds", s.unreported_seeds},
    {"runs_problem", runs_problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(runs_problem)},
    {"jobs", s.jobs},
    {"seed_timeout_seconds", static_cast<double>(o.seed_timeout.count()) / 1000},
    {"seconds", s.seconds},
    {"cpu_seconds", s.cpu_seconds},
    {"runs_per_second", s.runs_per_second()},
    {"runs_per_second_per_job", s.runs_per_second() / s.jobs},
    {"shrink_seconds", s.shrink_seconds},
    {"faults", s.faults},
    {"actions", s.actions},
    {"invariants", t.invariants},
    {"attacker_invariants", t.attacker_invariants},
    {"passed", s.passed()},
    {"failures", failures}};
}

} // namespace

int explore_command(const args& a) {
  explore_cli_options o;
  auto desc = describe(o);
  po::positional_options_description pos;
  pos.add("file", -1);
  auto vm = parse_args("explore", a, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  auto opts = options_of(o, a);
  auto overrides = parse_overrides(o.sets);
  std::vector<explore::target> targets;
  bool ok = true;
  for (const auto& f : o.files) {
    try {
      targets.push_back(explore::load_target(f, overrides));
    } catch (const load_error& e) {
      std::cerr << e.what() << "\n";
      ok = false;
    }
  }
  if (!ok)
    return exit_bad_input;
  bool color = is_terminal(stdout);
  bool passed = true;
  nlohmann::json report = nlohmann::json::array();
  for (const auto& t : targets) {
    progress_line progress;
    // Not a terminal (a log): a plain line every 30 s instead of a live one.
    bool live = is_terminal(stderr);
    auto last_line = std::chrono::steady_clock::now();
    auto sum = explore::explore_target(t, opts, [&](const std::string& stage, const auto& s) {
      if (live)
        return progress.show(status_text(stage, s, opts));
      if (std::chrono::steady_clock::now() - last_line > std::chrono::seconds(30)) {
        last_line = std::chrono::steady_clock::now();
        std::cerr << status_text(stage, s, opts) << "\n";
      }
    });
    progress.clear();
    if (&t != &targets.front())
      std::cout << "\n";
    print_summary(std::cout, t, sum, color);
    passed = passed && sum.passed();
    report.push_back(summary_json(t, sum, opts));
  }
  if (!o.report_file.empty()) {
    auto parent = std::filesystem::path(o.report_file).parent_path();
    std::error_code ignored; // a failure shows as "cannot write" below
    if (!parent.empty())
      std::filesystem::create_directories(parent, ignored);
    std::ofstream out(o.report_file, std::ios::binary);
    if (!out)
      throw usage_error("explore: cannot write the report to '" + o.report_file + "'");
    out << report.dump(2) << "\n";
  }
  return passed ? exit_ok : exit_failed;
}

} // namespace protobed::cli
