// The scenario `protobed new <protocol>` writes: the protocol's starter (one
// transaction) with the registry's documentation as comments — each role's
// summary, each option's meaning, the optional ones, the command, and every
// invariant of the protocol as an expectation.
#pragma once

#include <string>

#include "actors/runtime/registry.hpp"

namespace protobed {

/// The commented scenario text for `p`, which must have a starter.
std::string starter_text(const protocol_info& p, const role_registry& roles);

} // namespace protobed
