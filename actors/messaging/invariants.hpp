// The messaging protocol's invariants (see docs/protocols/messaging.md).
#pragma once

#include <vector>

#include "actors/runtime/protocol.hpp"

namespace protobed::messaging {

std::vector<invariant_info> invariants();

} // namespace protobed::messaging
