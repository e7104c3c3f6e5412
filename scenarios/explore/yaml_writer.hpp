// Writes a config tree back as YAML that parses to the same tree: what
// explore runs is exactly what its reproducer files say. Small maps and
// lists go on one line ({from: a, to: b}); the rest is block style.
#pragma once

#include <string>

#include "actors/runtime/config.hpp"

namespace protobed::explore {

/// The tree as a YAML document (a map at the top).
std::string to_yaml(const config_node& root);

/// One value on one line, in flow style: `{drop: {from: a, probability: 0.1}}`.
std::string to_flow(const config_node& n);

/// Helpers to build trees in code.
config_node map_node();
config_node list_node();
config_node scalar_node(std::string value);
void put(config_node& map, const std::string& key, config_node value);
void put(config_node& map, const std::string& key, std::string value);
config_node* find_entry(config_node& map, const std::string& key);

} // namespace protobed::explore
