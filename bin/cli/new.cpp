// `protobed new PROTOCOL FILE`: write a commented starter scenario that runs
// one transaction of the protocol and passes as written.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "actors/runtime/suggest.hpp"
#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "scenarios/engine/loader.hpp"
#include "scenarios/engine/starter.hpp"

namespace po = boost::program_options;

namespace protobed::cli {

namespace {

std::vector<std::string> protocols_with_starters() {
  std::vector<std::string> out;
  for (const auto& p : builtin_roles().protocols())
    if (p.starter)
      out.push_back(p.name);
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

void write_text(const std::string& path, const std::string& text, bool force) {
  if (path == "-") {
    std::cout << text;
    return;
  }
  if (!force && std::filesystem::exists(path))
    throw usage_error("new: " + path + " already exists (--force overwrites it)");
  std::ofstream out(path, std::ios::binary);
  if (!(out << text))
    throw usage_error("new: cannot write '" + path + "'");
}

} // namespace

int new_command(const args& a) {
  std::vector<std::string> positional;
  bool force = false;
  po::options_description desc(
    "Usage: protobed new PROTOCOL FILE\n\n"
    "Writes a scenario that runs one transaction of PROTOCOL, with each role,\n"
    "option, command and invariant explained in comments. It passes as\n"
    "written: change it from there. FILE '-' writes to stdout.\n"
    "Protocols: " +
    joined(protocols_with_starters()) + "\n\nOptions");
  desc.add_options()("help,h", "show this help")("force,f", po::bool_switch(&force),
                                                 "overwrite FILE if it exists")(
    "args", po::value(&positional)->value_name("PROTOCOL FILE"), "the protocol and the file");
  po::positional_options_description pos;
  pos.add("args", -1);
  auto vm = parse_args("new", a, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  if (positional.size() != 2)
    throw usage_error("new: give a protocol and a file, e.g. 'protobed new ecommerce shop.yaml' "
                      "(protocols: " +
                      joined(protocols_with_starters()) + ")");
  const auto& name = positional[0];
  const auto* p = builtin_roles().find_protocol(name);
  if (!p || !p->starter) {
    auto names = protocols_with_starters();
    throw usage_error("new: unknown protocol '" + name + "'" + did_you_mean(name, names) +
                      "; registered: " + joined(names));
  }
  auto text = starter_text(*p, builtin_roles());
  load_scenario_text(text, positional[1]); // a starter that does not load is our bug
  write_text(positional[1], text, force);
  if (positional[1] != "-")
    std::cerr << "wrote " << positional[1] << ": one " << p->name
              << " transaction; run it with 'protobed run " << positional[1] << "'\n";
  return exit_ok;
}

} // namespace protobed::cli
