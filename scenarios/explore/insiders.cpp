// Insiders: participants the attacker controls. A registered, logged-in
// peer is a stronger attacker than one on the wire: it has its own account,
// keys and channel, and the server answers what it sends. Explore makes one
// give commands its role lists as an insider's (role_info::
// insider_commands), with another participant of its role as the victim.
// A dishonest receiver is an insider too: a participant whose key the
// attacker holds from the start, answering as itself what it likes.
#include "scenarios/explore/draw.hpp"

namespace protobed::explore::draw {

namespace {

/// `text` with `{other.KEY}` (the victim's phished credential), `{public.FIELD}`
/// (a value anyone may know) and `{guess}` (six digits, a code guessed)
/// filled; nothing when a value it names is not to be had.
std::optional<std::string> with_knowledge(const context& c, dice& d, std::string text,
                                          const std::string& other) {
  for (auto at = text.find("{other."); at != std::string::npos; at = text.find("{other.")) {
    auto end = text.find('}', at);
    auto key = text.substr(at + 7, end - at - 7);
    auto creds = c.credentials.find(other);
    if (!allows(c.s.explore.forge_values, "phished") || creds == c.credentials.end() ||
        !creds->second.count(key))
      return std::nullopt;
    text.replace(at, end - at + 1, creds->second.at(key));
  }
  for (auto at = text.find("{public."); at != std::string::npos; at = text.find("{public.")) {
    auto end = text.find('}', at);
    auto values = c.public_values.find(text.substr(at + 8, end - at - 8));
    if (values == c.public_values.end() || values->second.empty())
      return std::nullopt;
    text.replace(at, end - at + 1, d.pick(values->second));
  }
  if (text.find("{guess}") != std::string::npos)
    text = replaced(text, "{guess}", d.code());
  return text;
}

} // namespace

std::optional<schedule_item> insider_step(const context& c, dice& d, const insider_command& cmd,
                                          std::uint32_t at_ms, const std::string& self,
                                          const std::string& other, const std::string& count) {
  auto amount = amount_or_extreme(c, d, 30, 1, 60);
  auto args = map_node();
  for (const auto& [name, text] : cmd.args) {
    if (text == "{count}" && count == "1")
      continue; // once is the command's own way
    auto filled =
      with_knowledge(c, d,
                     replaced(replaced(replaced(replaced(text, "{self}", self), "{other}", other),
                                       "{amount}", amount),
                              "{count}", count),
                     other);
    if (!filled)
      return std::nullopt;
    put(args, name, *filled);
  }
  auto body = map_node();
  put(body, "at", std::to_string(at_ms) + "ms");
  put(body, self, one(cmd.verb, std::move(args)));
  return schedule_item{schedule_item::part::step, std::move(body)};
}

std::optional<std::pair<const participant_spec*, std::string>> insider_and_victim(const context& c,
                                                                                  dice& d) {
  std::vector<const participant_spec*> able;
  for (const auto& p : c.s.participants)
    if (!p.role->insider_commands.empty())
      able.push_back(&p);
  if (able.empty())
    return std::nullopt;
  const auto* insider = d.pick(able);
  std::vector<std::string> others;
  for (const auto* p : able)
    if (p->role == insider->role && p->name != insider->name)
      others.push_back(p->name);
  if (others.empty())
    return std::nullopt;
  return std::make_pair(insider, d.pick(others)); // one victim: its name in every command
}

std::vector<schedule_item> draw_insiders(const context& c, std::uint64_t seed) {
  std::vector<schedule_item> out;
  bool able = std::any_of(c.s.participants.begin(), c.s.participants.end(),
                          [](const auto& p) { return !p.role->insider_commands.empty(); });
  if (!able || c.s.explore.max_actions == 0) // actions: 0 is no attacker at all
    return out;
  dice d(seed, "explore.insider");
  auto n = d.between(c.s.explore.min_insiders, c.s.explore.max_insiders);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto chosen = insider_and_victim(c, d);
    if (!chosen)
      continue;
    const auto& insider = *chosen->first;
    const auto& victim = chosen->second;
    // Now and then at the very start, racing the victim's own first steps
    // (a name claimed before its owner registers it).
    auto at_ms = d.chance(25) ? d.between(0, 300) : d.between(0, c.horizon_ms * 3 / 4);
    auto commands = d.between(1, 3);
    for (std::uint32_t k = 0; k < commands; ++k, at_ms += d.between(300, 3000))
      if (auto s =
            insider_step(c, d, d.pick(insider.role->insider_commands), at_ms, insider.name, victim))
        out.push_back(std::move(*s));
  }
  return out;
}

std::vector<schedule_item> draw_dishonest(const context& c, std::uint64_t seed) {
  const auto& b = c.s.explore;
  if (b.max_insiders == 0 || b.max_actions == 0 || !allows(b.attacks, "impersonate"))
    return {};
  std::vector<std::string> answered;
  for (const auto& f : c.s.registry().forgers())
    if (f.impersonate)
      answered.insert(answered.end(), f.answers.begin(), f.answers.end());
  std::vector<std::pair<const hop_choice*, std::string>> able; // (hop, its dishonest receiver)
  for (const auto& h : c.hops)
    if (allows(answered, h.kind) && !h.senders.empty())
      for (const auto& r : h.receivers)
        if (allows(c.key_holders, r))
          able.emplace_back(&h, r);
  dice d(seed, "explore.dishonest");
  if (able.empty() || !d.chance(15))
    return {};
  const auto& [hop, who] = d.pick(able);
  std::vector<schedule_item> out;
  auto stolen = map_node();
  put(stolen, "at", "0ms");
  put(stolen, "participant", who);
  out.push_back(action(one("compromise", std::move(stolen))));
  auto a = map_node();
  put(a, "link", d.pick(hop->senders) + "->" + who);
  put(a, "kind", hop->kind);
  if (d.chance(50))
    put(a, "occurrence", std::to_string(d.between(1, 3)));
  put(a, "as", who);
  put(a, "sign_with", who);
  auto fields = map_node();
  put(fields, "amount", amount_or_extreme(c, d, 50, 1, 100));
  put(a, "fields", std::move(fields));
  out.push_back(action(one("impersonate", std::move(a))));
  return out;
}

} // namespace protobed::explore::draw
