// The micropayment packets field by field, for the attacker (see
// actors/runtime/schema.hpp): one schema per packet kind.
#pragma once

#include <vector>

#include "actors/micropay/messages.hpp"
#include "actors/runtime/schema.hpp"

namespace protobed::micropay {

/// Every micropayment packet kind's schema, in protocol order.
std::vector<message_schema> schemas();

std::vector<message_schema> handshake_schemas(); // schemas_handshake.cpp
std::vector<message_schema> record_schemas();    // schemas_records.cpp

} // namespace protobed::micropay
