#include "actors/attack/register.hpp"

#include "actors/attack/attacker.hpp"

namespace protobed::attack {

void register_roles(role_registry& r) {
  role_info a;
  a.name = "attacker";
  a.long_term_key = true; // its own key pair, for impersonation and key substitution
  a.summary = "Dolev-Yao attacker on the tapped links: observe, drop, delay, replay, tamper, "
              "inject, compromise";
  a.options = {
    {"taps", "list of links", "", "links it sits on: \"alice->shop\", \"*->bank\", \"*\""},
    {"actions", "list", "none (observe and pass on)", "scripted actions; see docs/attacks.md"},
  };
  a.parse = [](const option_reader& o, const directory& dir) -> std::any {
    return parse_attacker(o.need("taps"), o.get("actions"), dir);
  };
  a.taps = [](const std::any& c) { return std::any_cast<const attacker_config&>(c).taps; };
  a.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<attacker>(std::any_cast<attacker_config>(c), *s.long_term_key, s.dir,
                                      s.vault, s.analyzers, s.forgers);
  };
  r.add(std::move(a));
}

} // namespace protobed::attack
