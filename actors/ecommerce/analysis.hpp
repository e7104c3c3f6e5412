// What an observer of e-commerce packets learns, given the keys it holds:
// the bank's key opens OTP requests and PMs (card, expiry, OTP); the
// merchant's key opens setups (the client's reply key), which open
// everything the merchant and client exchange afterwards.
#pragma once

#include "actors/runtime/knowledge.hpp"

namespace protobed::ecommerce {

void analyze(const packet& p, knowledge& k, crypto::rng& r);

} // namespace protobed::ecommerce
