// Registers the e-commerce roles: ecommerce.client, ecommerce.merchant, ecommerce.bank.
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::ecommerce {

/// The roles, analyzer, forger and the protocol (invariants, transaction, pictures, workload).
void register_roles(role_registry& r);

protocol_info protocol();

} // namespace protobed::ecommerce
