// Loading what a command line names (scenario files, --set values, --certs),
// all before any runs.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "scenarios/engine/loader.hpp"
#include "scenarios/engine/tls.hpp"

namespace protobed::cli {

/// Loads every file; prints one "file:line:col: why" line per bad file to
/// `err`. Returns the good ones; `all_ok` tells whether any failed.
std::vector<scenario> load_all(const std::vector<std::string>& files, std::ostream& err,
                               bool& all_ok, const std::vector<option_override>& overrides = {});

/// Parses --set values; throws usage_error for a malformed one.
std::vector<option_override> parse_overrides(const std::vector<std::string>& sets);

/// The TLS files `who` ("node" or "driver") uses from --certs DIR; throws
/// usage_error "COMMAND: --certs: <file> does not exist …" when one is missing.
tls_files certs_option(const std::string& command, const std::string& dir, const std::string& who);

} // namespace protobed::cli
