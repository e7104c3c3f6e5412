// `protobed list`: the roles (with options and commands), the protocols
// (hops, invariants, transactions) and the scenario library; `--json` gives
// the registry to scripts (the attack-matrix generator reads its hops).
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "scenarios/engine/invariants.hpp"
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
      std::cout << "    command " << c.verb << ": " << c.doc;
      if (!c.primary.empty())
        std::cout << " (a bare value is its " << c.primary << ")";
      std::cout << "\n";
      for (const auto& a : c.args)
        print_option(a, "        ");
    }
  }
}

void print_protocols() {
  std::cout << "\nInvariants of the engine:\n";
  for (const auto& inv : engine_invariants())
    std::cout << "  " << inv.name << ": " << inv.meaning << "\n";
  for (const auto& p : builtin_roles().protocols()) {
    std::cout << "\nProtocol " << p.name << " — " << p.summary << "\n";
    for (const auto& h : p.hops)
      std::cout << "  hop " << h.kind << ": " << h.from_role << " -> " << h.to_role << "\n";
    for (const auto& inv : p.invariants)
      std::cout << "  invariant " << inv.name << ": " << inv.meaning << "\n";
    if (p.transaction)
      std::cout << "  transaction: " << p.transaction->start << " .. " << p.transaction->end
                << (p.workload ? " (protobed bench " + p.name + ")" : std::string{}) << "\n";
  }
}

nlohmann::ordered_json options_json(const std::vector<option_doc>& opts) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& o : opts)
    out.push_back({{"name", o.name},
                   {"type", o.type},
                   {"default", o.fallback.empty() ? nullptr : nlohmann::ordered_json(o.fallback)},
                   {"doc", o.doc}});
  return out;
}

nlohmann::ordered_json invariants_json(const std::vector<invariant_info>& invs) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& inv : invs)
    out.push_back({{"name", inv.name}, {"meaning", inv.meaning}});
  return out;
}

nlohmann::ordered_json protocol_json(const protocol_info& p) {
  auto hops = nlohmann::ordered_json::array();
  for (const auto& h : p.hops)
    hops.push_back({{"kind", h.kind},
                    {"from_role", h.from_role},
                    {"to_role", h.to_role},
                    {"summary", h.summary}});
  auto schemas = nlohmann::ordered_json::array();
  for (const auto& s : builtin_roles().schemas()) {
    if (s.kind.rfind(p.name + ".", 0) != 0)
      continue;
    auto fields = nlohmann::ordered_json::array();
    for (const auto& f : s.fields) {
      fields.push_back({{"name", f.name},
                        {"type", f.type},
                        {"protection", f.protection},
                        {"default", f.fallback},
                        {"secret", f.secret}});
      if (!f.words.empty())
        fields.back()["words"] = f.words;
    }
    schemas.push_back({{"kind", s.kind}, {"fields", fields}});
  }
  nlohmann::ordered_json out = {{"name", p.name},     {"summary", p.summary},
                                {"hops", hops},       {"invariants", invariants_json(p.invariants)},
                                {"schemas", schemas}, {"workload", static_cast<bool>(p.workload)}};
  if (p.transaction)
    out["transaction"] = {{"start", p.transaction->start}, {"end", p.transaction->end}};
  return out;
}

void print_json() {
  nlohmann::ordered_json out;
  out["format"] = 1;
  auto roles = nlohmann::ordered_json::array();
  for (const auto& r : builtin_roles().all()) {
    auto commands = nlohmann::ordered_json::array();
    for (const auto& c : r.commands)
      commands.push_back({{"verb", c.verb}, {"doc", c.doc}, {"args", options_json(c.args)}});
    const auto* p = builtin_roles().protocol_of(r);
    roles.push_back({{"name", r.name},
                     {"protocol", p ? nlohmann::ordered_json(p->name) : nullptr},
                     {"summary", r.summary},
                     {"kinds", r.kinds},
                     {"options", options_json(r.options)},
                     {"commands", commands}});
  }
  out["roles"] = roles;
  out["engine_invariants"] = invariants_json(engine_invariants());
  auto protocols = nlohmann::ordered_json::array();
  for (const auto& p : builtin_roles().protocols())
    protocols.push_back(protocol_json(p));
  out["protocols"] = protocols;
  std::cout << out.dump(2) << "\n";
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
  bool json = false;
  po::options_description desc("Usage: protobed list [--scenarios DIR] [--json]\n\n"
                               "Lists every role with its options and commands, every protocol\n"
                               "with its hops, invariants and transaction, and the scenario\n"
                               "files under DIR.\n\nOptions");
  desc.add_options()("help,h",
                     "show this help")("scenarios", po::value(&dir)->value_name("DIR"),
                                       "where to look for scenarios (default: ./scenarios)")(
    "json", po::bool_switch(&json), "print roles, protocols and invariants as JSON (no scenarios)");
  auto vm = parse_args("list", a, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  if (json) {
    print_json();
    return exit_ok;
  }
  print_roles();
  print_protocols();
  print_scenarios(dir);
  return exit_ok;
}

} // namespace protobed::cli
