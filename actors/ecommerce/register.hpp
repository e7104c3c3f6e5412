// Registers the e-commerce roles: ecommerce.client, ecommerce.merchant, ecommerce.bank.
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::ecommerce {

void register_roles(role_registry& r);

} // namespace protobed::ecommerce
