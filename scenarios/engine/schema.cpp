#include "scenarios/engine/schema.hpp"

namespace protobed {

const std::vector<std::string>& invariant_names() {
  static const std::vector<std::string> names = {"money_conserved",         "charged_at_most_once",
                                                 "no_unauthorised_payment", "secrecy",
                                                 "outcome_agreement",       "peer_authentication"};
  return names;
}

const participant_spec* scenario::find(const std::string& name) const {
  for (const auto& p : participants)
    if (p.name == name)
      return &p;
  return nullptr;
}

} // namespace protobed
