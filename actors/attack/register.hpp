// Registers the attacker role.
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::attack {

void register_roles(role_registry& r);

} // namespace protobed::attack
