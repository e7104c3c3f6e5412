// `protobed run FILE...`: play scenarios, check their expectations, report.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "bin/cli/scenario_files.hpp"
#include "bin/cli/terminal.hpp"
#include "scenarios/engine/diagram.hpp"
#include "scenarios/engine/distribution.hpp"
#include "scenarios/engine/junit.hpp"
#include "scenarios/engine/live_view.hpp"
#include "scenarios/engine/report.hpp"
#include "scenarios/engine/tls.hpp"

namespace po = boost::program_options;

namespace protobed::cli {

namespace {

struct run_cli_options {
  std::vector<std::string> files;
  std::int64_t seed = -1;
  std::string trace_file;
  std::string report_file;
  bool real = false;
  bool sim = false;
  std::vector<std::string> sets;
  std::string diagram_file;
  std::string window;
  std::string junit_file;
  std::string nodes;
  std::string certs;
  int verbose = 0; ///< -v 1, -vv 2: the live view's level
  bool quiet = false;
  bool verbose_flag = false; ///< -v inside a bundle; a lone -v is counted before parsing
};

po::options_description describe(run_cli_options& o) {
  po::options_description d(
    "Usage: protobed run FILE... [options]\n\n"
    "Plays each scenario (in virtual time unless it says mode: real), checks\n"
    "its expectations and prints a summary per scenario.\n"
    "Exit codes: 0 every expectation held, 1 some failed, 2 bad input,\n"
    "3 a run could not complete (time limit reached, stuck).\n\nOptions");
  d.add_options()("help,h", "show this help")("seed", po::value(&o.seed)->value_name("N"),
                                              "override the scenario's seed")(
    "trace", po::value(&o.trace_file)->value_name("FILE"),
    "write the trace as JSON lines (one scenario only)")(
    "report", po::value(&o.report_file)->value_name("FILE"),
    "write a JSON report")("diagram", po::value(&o.diagram_file)->value_name("FILE"),
                           "draw a sequence diagram: FILE.svg or FILE.html (one scenario only)")(
    "window", po::value(&o.window)->value_name("FROM..TO"),
    "draw only this span of virtual time, e.g. 1s..3s")(
    "junit", po::value(&o.junit_file)->value_name("FILE"), "write a JUnit XML report")(
    "nodes", po::value(&o.nodes)->value_name("N=HOST:PORT,..."),
    "run the participants a scenario places on nodes there (implies --real)")(
    "certs", po::value(&o.certs)->value_name("DIR"),
    "with --nodes: connect over TLS, presenting DIR/driver.pem and trusting only DIR/ca.pem "
    "(made by 'protobed node --make-certs DIR')")("real", po::bool_switch(&o.real),
                                                  "real scheduler, real clock, OS randomness")(
    "sim", po::bool_switch(&o.sim), "virtual time even if the file says mode: real")(
    "set", po::value(&o.sets)->composing()->value_name("P.OPTION=V"),
    "set a participant's option, e.g. bank.unique_tids=false (repeatable)")(
    "verbose,v", po::bool_switch(&o.verbose_flag),
    "live view: print each event and each packet not simply delivered as it happens, one line "
    "each (time, participant, reason); -vv every packet too. On stdout in sim mode, on stderr "
    "in real and distributed mode")("quiet,q", po::bool_switch(&o.quiet),
                                    "print only each scenario's verdict")(
    "file", po::value(&o.files)->value_name("FILE"), "scenario files");
  return d;
}

/// Takes -v, -vv, -vvv and --verbose (repeatable) out of the arguments and
/// counts them: Boost.Program_options has no counted flag.
int count_verbose(args& a) {
  int level = 0;
  args rest;
  for (const auto& arg : a) {
    bool vs =
      arg.size() >= 2 && arg[0] == '-' && arg.find_first_not_of('v', 1) == std::string::npos;
    if (arg == "--")
      break;
    if (vs)
      level += static_cast<int>(arg.size() - 1);
    else if (arg == "--verbose")
      ++level;
    else
      rest.push_back(arg);
  }
  for (auto i = std::find(a.begin(), a.end(), "--"); i != a.end(); ++i)
    rest.push_back(*i);
  a = std::move(rest);
  return level;
}

void validate(const run_cli_options& o) {
  if (o.verbose > 0 && o.quiet)
    throw usage_error("run: --verbose and --quiet exclude each other");
  if (o.files.empty())
    throw usage_error("run: no scenario file given (see 'protobed run --help')");
  if (!o.trace_file.empty() && o.files.size() != 1)
    throw usage_error("run: --trace takes exactly one scenario file");
  if (o.real && o.sim)
    throw usage_error("run: --real and --sim exclude each other");
  if (!o.diagram_file.empty() && o.files.size() != 1)
    throw usage_error("run: --diagram takes exactly one scenario file");
  auto ends_with = [](const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (!o.diagram_file.empty() && !ends_with(o.diagram_file, ".svg") &&
      !ends_with(o.diagram_file, ".html"))
    throw usage_error("run: --diagram must name a .svg or .html file");
  if (!o.window.empty() && o.diagram_file.empty())
    throw usage_error("run: --window only applies to --diagram");
  if (!o.nodes.empty() && !parse_nodes(o.nodes))
    throw usage_error("run: --nodes must be N=HOST:PORT[,N=HOST:PORT...], not '" + o.nodes + "'");
  if (!o.certs.empty() && o.nodes.empty())
    throw usage_error("run: --certs only applies to --nodes");
  if (!o.certs.empty())
    certs_option("run", o.certs, "driver");
  if (!o.nodes.empty() && o.sim)
    throw usage_error("run: --nodes runs on the real clock; it excludes --sim");
  if (!o.window.empty() && !parse_window(o.window))
    throw usage_error("run: --window must be FROM..TO with durations, e.g. 1s..3s or 2s..");
  if (o.seed < -1)
    throw usage_error("run: --seed must not be negative");
}

void write_file(const std::string& path, const std::string& what,
                const std::function<void(std::ostream&)>& body) {
  std::ofstream out(path, std::ios::binary);
  if (!out)
    throw usage_error("run: cannot write " + what + " to '" + path + "'");
  body(out);
}

/// Sets the live view up for one scenario: stdout in sim mode, stderr on the
/// real clock (where the report's progress and the lines would interleave).
void watch(const scenario& s, run_options& opts, int verbose) {
  bool real = opts.real.value_or(s.real_mode) || (!opts.nodes.empty() && !s.placement.empty());
  auto* out = real ? &std::cerr : &std::cout;
  bool color = is_terminal(real ? stderr : stdout);
  auto level = verbose >= 2 ? live_level::packets : live_level::events;
  auto faults = std::make_shared<std::vector<std::string>>(fault_names(s.network));
  opts.on_record = [out, color, level, faults](const trace_record& rec) {
    auto line = live_line(rec, level, color, faults.get());
    if (!line.empty())
      *out << line << '\n'; // cerr flushes each line itself
  };
}

int exit_code_of(const std::vector<scenario_report>& reports) {
  bool incomplete = false, failed = false;
  for (const auto& r : reports) {
    incomplete = incomplete || !r.run.completed;
    failed = failed || !r.passed();
  }
  return incomplete ? exit_incomplete : failed ? exit_failed : exit_ok;
}

} // namespace

int run_command(const args& a) {
  run_cli_options o;
  auto desc = describe(o);
  po::positional_options_description pos;
  pos.add("file", -1);
  auto rest = a;
  o.verbose = count_verbose(rest);
  auto vm = parse_args("run", rest, desc, pos);
  if (o.verbose_flag && o.verbose == 0) // -v inside a bundle such as -qv
    o.verbose = 1;
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  validate(o);
  bool ok = true;
  auto scenarios = load_all(o.files, std::cerr, ok, parse_overrides(o.sets));
  if (!ok)
    return exit_bad_input;
  run_options opts;
  if (o.seed >= 0)
    opts.seed = static_cast<std::uint64_t>(o.seed);
  if (o.real || o.sim)
    opts.real = o.real;
  if (!o.nodes.empty()) {
    auto nodes = parse_nodes(o.nodes); // validated above
    for (const auto& [n, addr] : *nodes)
      opts.nodes[n] = {addr.host, addr.port};
    opts.certs = o.certs;
  }
  for (const auto& s : scenarios)
    for (const auto& [who, node] : s.placement)
      if (!opts.nodes.empty() && opts.nodes.count(node) == 0)
        throw usage_error("run: " + s.file + " places " + who + " on node '" + node +
                          "', but --nodes gives no address for it");
  std::vector<scenario_report> reports;
  bool color = is_terminal(stdout);
  progress_line progress;
  for (const auto& s : scenarios) {
    if (o.verbose == 0)
      progress.show("running " + s.name + " …");
    else
      watch(s, opts, o.verbose);
    auto run = run_scenario(s, opts);
    auto checks = check_expectations(s, run);
    progress.clear();
    reports.push_back({&s, std::move(run), std::move(checks)});
    if (o.quiet) {
      std::cout << s.name << "  ";
      print_verdict(std::cout, reports.back(), color);
      continue;
    }
    if (reports.size() > 1 || o.verbose > 0)
      std::cout << "\n";
    print_report(std::cout, reports.back(), color);
  }
  if (reports.size() > 1 && !o.quiet) {
    std::size_t passed = 0;
    for (const auto& r : reports)
      passed += r.passed() ? 1 : 0;
    std::cout << "\n"
              << reports.size() << " scenarios: " << passed << " passed, "
              << reports.size() - passed << " failed\n";
  }
  if (!o.trace_file.empty())
    write_file(o.trace_file, "the trace",
               [&](std::ostream& out) { reports.front().run.trace->write_jsonl(out); });
  if (!o.diagram_file.empty()) {
    auto opts = o.window.empty() ? diagram_options{} : *parse_window(o.window);
    bool html = o.diagram_file.size() >= 5 &&
                o.diagram_file.compare(o.diagram_file.size() - 5, 5, ".html") == 0;
    write_file(o.diagram_file, "the diagram", [&](std::ostream& out) {
      out << (html ? render_html(reports.front(), opts) : render_svg(reports.front(), opts));
    });
  }
  if (!o.junit_file.empty())
    write_file(o.junit_file, "the JUnit report",
               [&](std::ostream& out) { out << render_junit(reports); });
  if (!o.report_file.empty())
    write_file(o.report_file, "the report",
               [&](std::ostream& out) { out << report_json(reports).dump(2) << "\n"; });
  return exit_code_of(reports);
}

} // namespace protobed::cli
