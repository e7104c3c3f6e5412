// Invariants: the engine's own (true of any protocol) and those the
// registered protocols bring. A scenario names them in `expect:`.
#pragma once

#include <string>
#include <vector>

#include "actors/runtime/registry.hpp"

namespace protobed {

/// The engine's invariants (money_conserved).
const std::vector<invariant_info>& engine_invariants();

/// An invariant by name, the engine's or a registered protocol's; null if none.
const invariant_info* find_invariant(const std::string& name, const role_registry& roles);

/// Every invariant name a scenario may use, the engine's first.
std::vector<std::string> invariant_names(const role_registry& roles);

} // namespace protobed
