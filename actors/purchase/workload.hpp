// `protobed bench purchase`: customers placing signed orders with one OPD.
#pragma once

#include <string>

#include "actors/runtime/protocol.hpp"

namespace protobed::purchase {

std::string workload(const workload_options& o);

} // namespace protobed::purchase
