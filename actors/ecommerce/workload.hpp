// The built-in e-commerce benchmark workload (`protobed bench ecommerce`),
// written as an ordinary scenario so that it runs through the same director,
// network and participants as every other run.
#pragma once

#include <string>

#include "actors/runtime/protocol.hpp"

namespace protobed::ecommerce {

/// `o.transactions` purchases by `o.clients` clients; placed: bank + sms on
/// n1, the shop on n2, the clients on n3.
std::string workload(const workload_options& o);

} // namespace protobed::ecommerce
