// The micropayment invariants (money_conserved is the engine's: the server
// reports balances plus reservations as its total).
#pragma once

#include <vector>

#include "actors/runtime/protocol.hpp"

namespace protobed::micropay {

std::vector<invariant_info> invariants();

} // namespace protobed::micropay
