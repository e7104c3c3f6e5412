#include "benchmarks/framework.hpp"

#include <sstream>

namespace protobed::bench {

std::string framework_workload(std::size_t round_trips) {
  std::ostringstream y;
  y << "scenario: bench-framework\ndescription: framework cost per message\nmode: real\n"
    << "network: {latency: 0}\nparticipants:\n  a: {role: echo, peer: b}\n"
    << "  b: {role: echo, peer: a}\nsteps:\n  - {at: 0, a: {ping: " << round_trips << "}}\n"
    << "expect:\n  - invariant: round_trips_complete\n";
  return y.str();
}

} // namespace protobed::bench
