// `protobed list`: the roles (with options and commands) and the scenario library.
#include <filesystem>
#include <iostream>

#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "scenarios/engine/loader.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace protobed::cli {

namespace {

void print_option(const option_doc& o, const char* indent) {
  std::cout << indent << o.name << " (" << o.type << ", "
            << (o.fallback.empty() ? std::string("required") : "default " + o.fallback)
            << "): " << o.doc << "\n";
}

void print_roles() {
  std::cout << "Roles:\n";
  for (const auto& r : builtin_roles().all()) {
    std::cout << "\n  " << r.name << " — " << r.summary << "\n";
    for (const auto& o : r.options)
      print_option(o, "      ");
    for (const auto& c : r.commands) {
      std::cout << "    command " << c.verb << ": " << c.doc << " (a bare value is its "
                << c.primary << ")\n";
      for (const auto& a : c.args)
        print_option(a, "        ");
    }
  }
}

void print_scenarios(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto i = fs::recursive_directory_iterator(dir, ec); !ec && i != fs::end(i); ++i)
    if (i->path().extension() == ".yaml")
      files.push_back(i->path());
  std::sort(files.begin(), files.end());
  std::cout << "\nScenarios in " << dir << ":\n";
  for (const auto& f : files) {
    try {
      auto s = load_scenario(f.string());
      std::cout << "  " << f.string() << "\n      " << s.description << "\n";
    } catch (const load_error& e) {
      std::cout << "  " << f.string() << "\n      (invalid: " << e.what() << ")\n";
    }
  }
  if (files.empty())
    std::cout << "  (none found)\n";
}

} // namespace

int list_command(const args& a) {
  std::string dir = "scenarios";
  po::options_description desc("Usage: protobed list [--scenarios DIR]\n\n"
                               "Lists every role with its options and commands, and the\n"
                               "scenario files under DIR.\n\nOptions");
  desc.add_options()("help,h",
                     "show this help")("scenarios", po::value(&dir)->value_name("DIR"),
                                       "where to look for scenarios (default: ./scenarios)");
  auto vm = parse_args("list", a, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  print_roles();
  print_scenarios(dir);
  return exit_ok;
}

} // namespace protobed::cli
