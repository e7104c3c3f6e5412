// `protobed bench <target>`: throughput measurements.
#include <iostream>

#include "actors/runtime/registry.hpp"
#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"

namespace protobed::cli {

int bench_crypto_command(const args& a);
int bench_protocol(const args& a, const std::string& target);

namespace {

/// `crypto`, then every registered protocol that brings a workload.
const std::vector<command>& bench_targets() {
  static const std::vector<command> table = [] {
    std::vector<command> t = {{"crypto",
                               "ops/s and µs/op of every crypto primitive on this machine",
                               bench_crypto_command}};
    for (const auto& p : builtin_roles().protocols())
      if (p.workload && p.transaction)
        t.push_back({p.name,
                     "the built-in " + p.name + " workload: throughput, latency, efficiency",
                     [name = p.name](const args& a) { return bench_protocol(a, name); }});
    return t;
  }();
  return table;
}

void print_bench_usage(std::ostream& out) {
  out << "Usage: protobed bench <target> [<args>...]\n"
      << "       protobed bench SCENARIO.yaml [<args>...]\n\nTargets:\n"
      << command_list(bench_targets())
      << "\nRun 'protobed bench <target> --help' for a target's options.\n";
}

} // namespace

int bench_command(const args& a) {
  if (a.empty()) {
    print_bench_usage(std::cerr);
    return exit_bad_input;
  }
  if (a[0] == "-h" || a[0] == "--help") {
    print_bench_usage(std::cout);
    return exit_ok;
  }
  auto is_file = [](const std::string& t) {
    return t.size() > 5 && t.compare(t.size() - 5, 5, ".yaml") == 0;
  };
  if (is_file(a[0]))
    return bench_protocol(args(a.begin() + 1, a.end()), a[0]);
  const auto& target = find_command("bench", bench_targets(), a[0]);
  return target.run(args(a.begin() + 1, a.end()));
}

} // namespace protobed::cli
