// The e-commerce protocol's invariants: charged_at_most_once,
// no_unauthorised_payment, outcome_agreement, peer_authentication.
#pragma once

#include <vector>

#include "actors/runtime/protocol.hpp"

namespace protobed::ecommerce {

std::vector<invariant_info> invariants();

} // namespace protobed::ecommerce
