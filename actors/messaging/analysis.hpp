// What an observer learns from the relay's registration SMS: the code, in the
// relay's fixed format (otp.sms in clear; otp.deliver with the gateway's
// key). Every messaging packet is read through its schema (schemas.cpp).
#pragma once

#include "actors/runtime/knowledge.hpp"

namespace protobed::messaging {

void analyze(const packet& p, knowledge& k, crypto::rng& r);

} // namespace protobed::messaging
