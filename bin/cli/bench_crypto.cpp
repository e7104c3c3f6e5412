// `protobed bench crypto`: what each primitive costs here, as a table or JSON.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "actors/runtime/suggest.hpp"
#include "benchmarks/crypto_costs.hpp"
#include "benchmarks/machine.hpp"
#include "bin/cli/app.hpp"
#include "bin/cli/command.hpp"
#include "bin/cli/terminal.hpp"
#include "protobed/version.hpp"

namespace po = boost::program_options;

namespace protobed::cli {
using protobed::did_you_mean;

namespace {

struct bench_crypto_options {
  bool json = false;
  bool list = false;
  double seconds = 0.3;
  std::vector<std::string> only;
};

po::options_description describe(bench_crypto_options& o) {
  po::options_description d(
    "Usage: protobed bench crypto [options]\n\n"
    "Measures every crypto primitive protobed's protocols use (single thread,\n"
    "keys made outside the timed loop) and prints ops/s and µs/op. Protocol\n"
    "benchmarks divide by these figures to get their crypto bound.\n\nOptions");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&o.json),
                                              "print the results as JSON on stdout")(
    "seconds", po::value(&o.seconds)->default_value(0.3, "0.3")->value_name("S"),
    "minimum time spent measuring each primitive")(
    "only", po::value(&o.only)->composing()->value_name("NAME"),
    "measure only primitives whose name starts with NAME (repeatable)")(
    "list", po::bool_switch(&o.list), "list the primitives' names and exit");
  return d;
}

void validate(const bench_crypto_options& o) {
  if (!(o.seconds > 0 && o.seconds <= 600))
    throw usage_error("bench crypto: --seconds must be in (0, 600]");
  auto names = bench::crypto_primitive_names();
  // --only takes prefixes, so suggest families ("x25519") as well as names.
  auto candidates = names;
  for (const auto& n : names)
    candidates.push_back(n.substr(0, n.find('.')));
  for (const auto& prefix : o.only) {
    bool any = false;
    for (const auto& n : names)
      any = any || n.compare(0, prefix.size(), prefix) == 0;
    if (!any)
      throw usage_error("bench crypto: --only '" + prefix + "' matches no primitive" +
                        did_you_mean(prefix, candidates) + " (see 'protobed bench crypto --list')");
  }
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

void print_table(const std::vector<bench::primitive_cost>& costs, const bench::machine_info& m) {
  std::cout << "protobed " << protobed::version << " — crypto primitive costs (1 thread)\n"
            << "machine: " << m.cpu_model << ", " << m.usable.cores << " usable cores; Crypto++ "
            << m.cryptopp << "\n\n";
  std::printf("%-20s %12s %13s %10s  %s\n", "primitive", "ops/s", "µs/op", "MB/s", "what");
  for (const auto& c : costs) {
    auto mbps = c.bytes ? fixed(c.ops_per_second() * c.bytes / 1e6, 1) : std::string("-");
    std::printf("%-20s %12s %12s %10s  %s\n", c.name.c_str(), fixed(c.ops_per_second(), 1).c_str(),
                fixed(c.micros_per_op(), 2).c_str(), mbps.c_str(), c.what.c_str());
  }
}

void print_json(const std::vector<bench::primitive_cost>& costs, const bench::machine_info& m,
                double seconds) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& c : costs)
    results.push_back({{"name", c.name},
                       {"what", c.what},
                       {"iterations", c.iterations},
                       {"seconds", c.seconds},
                       {"ops_per_second", c.ops_per_second()},
                       {"micros_per_op", c.micros_per_op()},
                       {"bytes_per_op", c.bytes}});
  nlohmann::json doc = {
    {"format", 1},
    {"benchmark", "crypto"},
    {"protobed", protobed::version},
    {"machine", {{"cpu", m.cpu_model}, {"cores", m.usable.cores}, {"cryptopp", m.cryptopp}}},
    {"threads", 1},
    {"seconds_per_primitive", seconds},
    {"results", results}};
  std::cout << doc.dump(2) << "\n";
}

} // namespace

int bench_crypto_command(const args& a) {
  bench_crypto_options o;
  auto desc = describe(o);
  auto vm = parse_args("bench crypto", a, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  validate(o);
  if (o.list) {
    for (const auto& n : bench::crypto_primitive_names())
      std::cout << n << "\n";
    return exit_ok;
  }
  bench::crypto_bench_options opts;
  opts.time_per_primitive = std::chrono::duration<double>(o.seconds);
  opts.only = o.only;
  progress_line progress;
  opts.on_start = [&](const std::string& name, std::size_t i, std::size_t n) {
    progress.show("[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] measuring " + name +
                  " …");
  };
  auto costs = bench::measure_crypto(opts);
  progress.clear();
  auto machine = bench::describe_machine();
  if (o.json)
    print_json(costs, machine, o.seconds);
  else
    print_table(costs, machine);
  return exit_ok;
}

} // namespace protobed::cli
