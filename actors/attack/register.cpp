#include "actors/attack/register.hpp"

#include <cstdlib>
#include <set>

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

/// The participants whose keys `attacker` was handed (its KeyCompromised
/// events: the scenario's compromise actions).
std::set<std::string> stolen_by(const run_facts& f, const std::string& attacker) {
  std::set<std::string> out;
  for (const auto& rec : f.records)
    if (is_event(rec, "KeyCompromised") && who_of(rec) == attacker)
      out.insert(detail_of(rec, "owner"));
  return out;
}

/// The packet a SecretLearned event names ("packet N (…)"), as the network
/// recorded it: its sender and receiver, or nothing.
const trace_record* packet_named(const run_facts& f, const std::string& source) {
  if (source.rfind("packet ", 0) != 0)
    return nullptr;
  auto id = std::strtoull(source.c_str() + 7, nullptr, 10);
  for (const auto& rec : f.records)
    if (rec["type"] == "packet" && rec.contains("id") && rec["id"].get<std::uint64_t>() == id)
      return &rec;
  return nullptr;
}

/// Whether a stolen key explains the secret: it opened what was sealed for
/// its owner (`by: stolen key`), or the attacker posed as its owner with it
/// (`by: stolen signature`) and the packet, by the network's record, went
/// to or came from that owner. A secret it would have had with no stolen
/// key (`by: wire`) is never explained, whoever the packet touched.
bool stolen_key_explains(const run_facts& f, const trace_record& learned) {
  auto by = detail_of(learned, "by");
  if (by == "stolen key")
    return true;
  if (by != "stolen signature")
    return false;
  auto stolen = stolen_by(f, who_of(learned));
  const auto* p = packet_named(f, detail_of(learned, "source"));
  return p && (stolen.count((*p)["from"].get<std::string>()) ||
               stolen.count((*p)["to"].get<std::string>()));
}

/// Secrecy where keys were stolen: what a stolen key opened, or what the
/// attacker read posing as the key's owner in the owner's own traffic, is
/// what a compromise is. Anything else is a hole (a peer that took a
/// channel another's stolen key vouched for, a check that let a secret out
/// with no key at all).
verdict secrecy_of_others(const run_facts& f) {
  std::size_t excused = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    if (!is_event(rec, "SecretLearned"))
      continue;
    if (stolen_key_explains(f, rec)) {
      ++excused;
      continue;
    }
    auto by = detail_of(rec, "by");
    return {false,
            rec["who"].get<std::string>() + " learned " + detail_of(rec, "what") + " " +
              detail_of(rec, "value") + " from " + detail_of(rec, "source") +
              (by == "stolen signature" ? ", posing with a stolen key as someone the packet "
                                          "neither came from nor went to"
                                        : ", with no stolen key"),
            {i}};
  }
  return {true, "no attacker learned a secret its stolen keys do not explain (" +
                  std::to_string(excused) + " they do)"};
}

protocol_info attacker_protocol() {
  protocol_info p;
  p.name = "attacker";
  p.summary = "the Dolev-Yao attacker, in any protocol's path";
  p.invariants = {
    {"secrecy", "no attacker learned a secret (card, OTP, key) in the clear", secrecy},
    {"secrecy_of_others",
     "no attacker learned a secret its stolen keys do not explain: one sealed for a key's owner, "
     "or read posing with the key in the owner's own traffic",
     secrecy_of_others}};
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
