// Reads a scenario file: YAML -> config tree -> checked scenario. Every
// mistake is a load_error that prints as "file:line:col: why".
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "actors/runtime/registry.hpp"
#include "scenarios/engine/schema.hpp"

namespace protobed {

class load_error : public std::runtime_error {
public:
  load_error(const std::string& file, source_pos pos, const std::string& why);
};

/// An option set from the command line: `participant.option=value`
/// (e.g. `bank.unique_tids=false`), applied before the file is checked.
struct option_override {
  std::string participant;
  std::string option;
  std::string value;
};

/// Parses "bank.unique_tids=false"; nullopt if it is not of that form.
std::optional<option_override> parse_override(const std::string& text);

/// Loads and checks `path` against the roles in `roles`. Throws load_error.
scenario load_scenario(const std::string& path, const std::vector<option_override>& overrides = {},
                       const role_registry& roles = builtin_roles());

/// Same, from text (`name` stands in for the file name in errors).
scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::vector<option_override>& overrides = {},
                            const role_registry& roles = builtin_roles());

/// A scenario file's text (at most 4 MiB). Throws load_error.
std::string read_scenario_file(const std::string& path);

/// Reads a scenario file's text into a config tree with --set overrides
/// written in (what explore builds its runs from). Throws load_error.
config_node read_scenario_tree(const std::string& text, const std::string& name,
                               const std::vector<option_override>& overrides = {});

/// Same as load_scenario_text, from a tree built or changed in code.
scenario load_scenario_tree(const config_node& root, const std::string& name,
                            const role_registry& roles = builtin_roles());

} // namespace protobed
