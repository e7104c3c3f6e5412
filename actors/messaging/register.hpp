// Registers the messaging roles: messaging.device and messaging.relay.
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::messaging {

/// The roles, the SMS analyzer, the schemas and the protocol (hops,
/// invariants, transaction, pictures, workload).
void register_roles(role_registry& r);

protocol_info protocol();

} // namespace protobed::messaging
