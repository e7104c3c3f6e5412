#include "benchmarks/machine.hpp"

#include <cryptopp/config_ver.h>

#include <fstream>
#include <thread>

namespace protobed::bench {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size())
        return line.substr(colon + 2);
    }
  }
  return "unknown";
}

} // namespace

machine_info describe_machine() {
  machine_info m;
  m.cpu_model = cpu_model();
  m.cores = std::thread::hardware_concurrency();
  int v = CRYPTOPP_VERSION;
  m.cryptopp =
    std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
  return m;
}

} // namespace protobed::bench
