// What an attacker can forge in the e-commerce protocol with its own key and
// what it knows: a merchant's setup reply, and a setup carrying the
// attacker's session key instead of the client's. Both need the setup opened
// first — only possible with the merchant's private key (a compromise).
#pragma once

#include "actors/runtime/knowledge.hpp"

namespace protobed::ecommerce {

forger make_forger();

} // namespace protobed::ecommerce
