// A subcommand: a name, a one-line summary, and a function over its arguments.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace protobed::cli {

using args = std::vector<std::string>;

struct command {
  std::string name;
  std::string summary;
  std::function<int(const args& a)> run;
};

/// Bad usage: reported as one line "protobed <cmd>: <what>", exit code 2.
class usage_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Parses `a` against `desc` (+ positionals); program_options errors become
/// usage_error. Unknown options are errors.
boost::program_options::variables_map
parse_args(const std::string& cmd, const args& a,
           const boost::program_options::options_description& desc,
           const boost::program_options::positional_options_description& pos = {});

/// Finds `name` in `table`, or throws usage_error with a did-you-mean.
const command& find_command(const std::string& context, const std::vector<command>& table,
                            const std::string& name);

/// The text `protobed <context> --help` prints for a command table.
std::string command_list(const std::vector<command>& table);

} // namespace protobed::cli
