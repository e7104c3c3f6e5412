// YAML text -> config tree, keeping line:column for every node and key.
// yaml-cpp stays inside this file; the rest of protobed sees config_node.
#pragma once

#include <string>

#include "actors/runtime/config.hpp"

namespace protobed {

/// Parses YAML. Syntax errors and duplicate map keys throw config_error.
config_node parse_yaml(const std::string& text);

} // namespace protobed
