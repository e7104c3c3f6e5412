#include "scenarios/engine/schema.hpp"

namespace protobed {

const participant_spec* scenario::find(const std::string& name) const {
  for (const auto& p : participants)
    if (p.name == name)
      return &p;
  return nullptr;
}

} // namespace protobed
