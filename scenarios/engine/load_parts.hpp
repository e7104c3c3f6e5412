// The loader's parts for the network, faults, steps and expectations, each
// checked against the participants already loaded. Internal to the loader.
#pragma once

#include "scenarios/engine/schema.hpp"

namespace protobed {

void load_network(scenario& s, const config_node& node);
void load_faults(scenario& s, const config_node& node);
step_spec load_step(const scenario& s, sim_time at, const config_entry& e);
void load_explore(scenario& s, const config_node& node);
void load_expectations(scenario& s, const config_node& node, const role_registry& roles);

/// A participant name used in a rule: must exist (or be "*" when allowed).
std::string participant_name(const scenario& s, const config_node& n, const std::string& what,
                             bool wildcard);

} // namespace protobed
