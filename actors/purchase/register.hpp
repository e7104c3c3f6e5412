// Registers the purchase-order roles: purchase.customer and purchase.opd
// (the mail_server they use is a shared service role).
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::purchase {

/// The roles and the protocol (hops, invariants, transaction, pictures).
void register_roles(role_registry& r);

protocol_info protocol();

/// Every purchase packet kind's schema, for the attacker (schemas.cpp).
std::vector<message_schema> schemas();

} // namespace protobed::purchase
