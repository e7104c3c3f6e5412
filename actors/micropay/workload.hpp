// `protobed bench micropay`: payers paying payees through one server.
#pragma once

#include <string>

#include "actors/runtime/protocol.hpp"

namespace protobed::micropay {

std::string workload(const workload_options& o);

} // namespace protobed::micropay
