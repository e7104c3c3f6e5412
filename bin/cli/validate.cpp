// `protobed validate FILE...`: load and check scenario files without running them.
#include <iostream>

#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "bin/cli/scenario_files.hpp"

namespace po = boost::program_options;

namespace protobed::cli {

namespace {

/// Every fault the file declares: rules, partitions, offline and crash windows.
std::size_t fault_count(const scenario& s) {
  return s.network.faults.size() + s.network.partitions.size() + s.network.outages.size();
}

} // namespace

int validate_command(const args& a) {
  std::vector<std::string> files;
  po::options_description desc(
    "Usage: protobed validate FILE...\n\n"
    "Checks scenario files (syntax, roles, options, participants, steps,\n"
    "faults, expectations) without running them. Prints one line per file;\n"
    "exits 2 if any file is bad.\n\nOptions");
  desc.add_options()("help,h", "show this help")("file", po::value(&files)->value_name("FILE"),
                                                 "scenario files");
  po::positional_options_description pos;
  pos.add("file", -1);
  auto vm = parse_args("validate", a, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  if (files.empty())
    throw usage_error("validate: no scenario file given (see 'protobed validate --help')");
  bool ok = true;
  auto scenarios = load_all(files, std::cerr, ok);
  for (const auto& s : scenarios)
    std::cout << "ok  " << s.file << ": " << s.name << " (" << s.participants.size()
              << " participants, " << s.steps.size() << " steps, " << fault_count(s) << " faults, "
              << s.expect.size() << " expectations)\n";
  return ok ? exit_ok : exit_bad_input;
}

} // namespace protobed::cli
