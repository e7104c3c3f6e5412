// The purchase-order invariants, each read from the trace (what the
// customers, the OPD and the mail server did).
#pragma once

#include <vector>

#include "actors/runtime/protocol.hpp"

namespace protobed::purchase {

std::vector<invariant_info> invariants();

} // namespace protobed::purchase
