// What an observer learns from the e-commerce SMS (the code, in the bank's
// fixed format). Every other packet is read through its schema.
#pragma once

#include "actors/runtime/knowledge.hpp"

namespace protobed::ecommerce {

void analyze(const packet& p, knowledge& k, crypto::rng& r);

} // namespace protobed::ecommerce
