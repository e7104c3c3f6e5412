// Loading the scenario files named on a command line, all before any runs.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "scenarios/engine/loader.hpp"

namespace protobed::cli {

/// Loads every file; prints one "file:line:col: why" line per bad file to
/// `err`. Returns the good ones; `all_ok` tells whether any failed.
std::vector<scenario> load_all(const std::vector<std::string>& files, std::ostream& err,
                               bool& all_ok, const std::vector<option_override>& overrides = {});

/// Parses --set values; throws usage_error for a malformed one.
std::vector<option_override> parse_overrides(const std::vector<std::string>& sets);

} // namespace protobed::cli
