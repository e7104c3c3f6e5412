// libFuzzer target: whole scenario files through the loader — YAML, every
// role's options, steps, faults, expectations and the attacker's actions
// (forge fields included). Every input is a scenario or a load_error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/engine/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)protobed::load_scenario_text(text, "fuzz.yaml");
  } catch (const protobed::load_error&) {
  }
  return 0;
}
