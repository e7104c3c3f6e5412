// What a benchmark ran on, recorded beside every result.
#pragma once

#include <string>

namespace protobed::bench {

struct machine_info {
  std::string cpu_model; ///< from /proc/cpuinfo, or "unknown"
  unsigned cores = 0;    ///< hardware threads available to this process
  std::string cryptopp;  ///< Crypto++ library version, e.g. "8.7.0"
};

machine_info describe_machine();

} // namespace protobed::bench
