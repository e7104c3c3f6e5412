// Registers the shared service roles that several protocols use (today the
// otp_provider SMS gateway).
#pragma once

#include "actors/runtime/registry.hpp"

namespace protobed::services {

void register_roles(role_registry& r);

} // namespace protobed::services
