// `protobed bench messaging`: pairs of devices through one relay, every sender
// sending its share of the messages back to back once all have registered.
#pragma once

#include <string>

#include "actors/runtime/protocol.hpp"

namespace protobed::messaging {

std::string workload(const workload_options& o);

} // namespace protobed::messaging
