#include "bin/cli/command.hpp"

#include <sstream>

#include "actors/runtime/suggest.hpp"

namespace po = boost::program_options;

namespace protobed::cli {
using protobed::did_you_mean;

po::variables_map parse_args(const std::string& cmd, const args& a,
                             const po::options_description& desc,
                             const po::positional_options_description& pos) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(a).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(cmd + ": " + e.what() + " (see 'protobed " + cmd + " --help')");
  }
  return vm;
}

const command& find_command(const std::string& context, const std::vector<command>& table,
                            const std::string& name) {
  std::vector<std::string> names;
  for (const auto& c : table) {
    if (name == c.name)
      return c;
    names.push_back(c.name);
  }
  auto where = context.empty() ? std::string{"protobed"} : "protobed " + context;
  throw usage_error(where + ": unknown command '" + name + "'" + did_you_mean(name, names) +
                    " (see '" + where + " --help')");
}

std::string command_list(const std::vector<command>& table) {
  std::ostringstream out;
  for (const auto& c : table) {
    std::string n = c.name;
    out << "  " << n << std::string(n.size() < 12 ? 12 - n.size() : 1, ' ') << c.summary << "\n";
  }
  return out.str();
}

} // namespace protobed::cli
