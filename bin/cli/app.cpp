#include "bin/cli/app.hpp"

#include <iostream>

#include "bin/cli/commands.hpp"
#include "protobed/version.hpp"

namespace protobed::cli {

namespace {

const char* const usage_text =
  R"(protobed — run secure transaction protocols with real cryptography,
a real attacker in the path and real faults on the wire.

Usage: protobed [--help | --version] <command> [<args>...]

Commands:
)";

void print_usage(std::ostream& out) {
  out << usage_text << command_list(top_level_commands())
      << "\nRun 'protobed <command> --help' for a command's options.\n"
      << "Exit codes: 0 ok, 1 an expectation or requirement failed, 2 bad input,\n"
      << "3 the run could not complete.\n";
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return exit_bad_input;
  }
  std::string first = argv[1];
  if (first == "-h" || first == "--help" || first == "help") {
    print_usage(std::cout);
    return exit_ok;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "protobed " << protobed::version << "\n";
    return exit_ok;
  }
  if (!first.empty() && first[0] == '-')
    throw usage_error("protobed: unknown option '" + first + "' (see 'protobed --help')");
  const auto& cmd = find_command("", top_level_commands(), first);
  return cmd.run(args(argv + 2, argv + argc));
}

} // namespace

const std::vector<command>& top_level_commands() {
  static const std::vector<command> table = {
    {"run", "play scenario files and check their expectations", run_command},
    {"validate", "check scenario files without running them", validate_command},
    {"new", "write a commented starter scenario for a protocol", new_command},
    {"list", "list roles (options, commands) and scenarios", list_command},
    {"node", "serve participants to drivers over CAF's middleman", node_command},
    {"explore", "random fault and attack schedules per seed, failures shrunk to a file",
     explore_command},
    {"bench", "measure throughput: 'bench crypto', 'bench PROTOCOL', 'bench FILE.yaml'",
     bench_command},
  };
  return table;
}

int run_app(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const usage_error& e) {
    std::string msg = e.what();
    std::cerr << (msg.rfind("protobed", 0) == 0 ? "" : "protobed ") << msg << "\n";
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "protobed: internal error: " << e.what() << "\n";
    return exit_incomplete;
  }
}

} // namespace protobed::cli
