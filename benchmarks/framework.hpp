// The framework's own cost per protocol message, measured with the echo role:
// one pair, one run of `round_trips` round trips, one message in flight, no
// cryptography and two events in all.
#pragma once

#include <cstddef>
#include <string>

namespace protobed::bench {

std::string framework_workload(std::size_t round_trips);

} // namespace protobed::bench
