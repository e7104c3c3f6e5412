// Reads a scenario file: YAML -> config tree -> checked scenario. Every
// mistake is a load_error that prints as "file:line:col: why".
#pragma once

#include <stdexcept>
#include <string>

#include "actors/core/registry.hpp"
#include "scenarios/engine/schema.hpp"

namespace protobed {

class load_error : public std::runtime_error {
public:
  load_error(const std::string& file, source_pos pos, const std::string& why);
};

/// Loads and checks `path` against the roles in `roles`. Throws load_error.
scenario load_scenario(const std::string& path, const role_registry& roles = builtin_roles());

/// Same, from text (`name` stands in for the file name in errors).
scenario load_scenario_text(const std::string& text, const std::string& name,
                            const role_registry& roles = builtin_roles());

} // namespace protobed
