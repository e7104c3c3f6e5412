// Registers the micropayment roles: micropay.server and micropay.peer.
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::micropay {

/// The roles, the schemas and the protocol (hops, invariants, transaction,
/// pictures, workload).
void register_roles(role_registry& r);

protocol_info protocol();

} // namespace protobed::micropay
