#include "bin/cli/scenario_files.hpp"

#include <ostream>

#include "scenarios/engine/loader.hpp"

namespace protobed::cli {

std::vector<scenario> load_all(const std::vector<std::string>& files, std::ostream& err,
                               bool& all_ok) {
  std::vector<scenario> out;
  all_ok = true;
  for (const auto& f : files) {
    try {
      out.push_back(load_scenario(f));
    } catch (const load_error& e) {
      err << e.what() << "\n";
      all_ok = false;
    }
  }
  return out;
}

} // namespace protobed::cli
