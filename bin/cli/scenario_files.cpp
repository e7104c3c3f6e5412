#include "bin/cli/scenario_files.hpp"

#include <ostream>

#include "bin/cli/command.hpp"
#include "scenarios/engine/loader.hpp"

namespace protobed::cli {

tls_files certs_option(const std::string& command, const std::string& dir, const std::string& who) {
  try {
    return tls_files_in(dir, who);
  } catch (const std::exception& e) {
    throw usage_error(command + ": --certs: " + e.what());
  }
}

std::vector<option_override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<option_override> out;
  for (const auto& s : sets) {
    auto o = parse_override(s);
    if (!o)
      throw usage_error("run: --set takes participant.option=value, not '" + s + "'");
    out.push_back(*o);
  }
  return out;
}

std::vector<scenario> load_all(const std::vector<std::string>& files, std::ostream& err,
                               bool& all_ok, const std::vector<option_override>& overrides) {
  std::vector<scenario> out;
  all_ok = true;
  for (const auto& f : files) {
    try {
      out.push_back(load_scenario(f, overrides));
    } catch (const load_error& e) {
      err << e.what() << "\n";
      all_ok = false;
    }
  }
  return out;
}

} // namespace protobed::cli
