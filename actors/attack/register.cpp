#include "actors/attack/register.hpp"

#include "actors/attack/attacker.hpp"

namespace protobed::attack {

namespace {

/// No attacker learned a secret (a card, an OTP, a key) in the clear: read
/// from its SecretLearned events, whatever the protocol.
verdict secrecy(const run_facts& f) {
  std::string first;
  std::size_t n = 0;
  for (const auto& rec : f.records) {
    if (!is_event(rec, "SecretLearned"))
      continue;
    if (n++ == 0)
      first = rec["who"].get<std::string>() + " learned " + detail_of(rec, "what") + " " +
              detail_of(rec, "value") + " from " + detail_of(rec, "source");
  }
  if (n == 0)
    return {true, "no attacker learned a secret"};
  return {false, first + (n > 1 ? " (and " + std::to_string(n - 1) + " more)" : std::string{})};
}

protocol_info attacker_protocol() {
  protocol_info p;
  p.name = "attacker";
  p.summary = "the Dolev-Yao attacker, in any protocol's path";
  p.invariants = {
    {"secrecy", "no attacker learned a secret (card, OTP, key) in the clear", secrecy}};
  return p;
}

} // namespace

void register_roles(role_registry& r) {
  role_info a;
  a.name = "attacker";
  a.long_term_key = true; // its own key pair, for impersonation and key substitution
  a.summary = "Dolev-Yao attacker on the tapped links: observe, drop, delay, replay, tamper, "
              "inject, compromise, impersonate, substitute_key, forge";
  a.options = {
    {"taps", "list of links", "", "links it sits on: \"alice->shop\", \"*->bank\", \"*\""},
    {"actions", "list", "none (observe and pass on)", "scripted actions; see docs/attacks.md"},
  };
  a.parse = [](const option_reader& o, const directory& dir) -> std::any {
    return parse_attacker(o.need("taps"), o.get("actions"), dir, builtin_roles().schemas());
  };
  a.taps = [](const std::any& c) { return std::any_cast<const attacker_config&>(c).taps; };
  a.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<attacker>(std::any_cast<attacker_config>(c), *s.long_term_key, s.dir,
                                      vaults{s.vault, s.signing_vault}, s.analyzers, s.forgers,
                                      s.schemas);
  };
  r.add(std::move(a));
  r.add_protocol(attacker_protocol());
}

} // namespace protobed::attack
