// Floods: one thing the attacker may do, done many times in a row. A rate
// limit (5 codes per hour to one card's phone, per number enrolled, 3 wrong
// passwords before an account locks) stops nothing a single draw does; what
// it stops is the one after. Explore repeats, 6–12 times: an insider command
// whose role lets it repeat itself (`{count}`: an e-commerce purchase in a
// phished card's name, the code guessed), an enrolment of the attacker's own
// in someone's number, or a login of its own in someone's account with a
// guessed password.
#include "scenarios/explore/draw.hpp"

namespace protobed::explore::draw {

namespace {

/// The insider commands of `role` that repeat themselves.
std::vector<const insider_command*> repeatable(const role_info& role) {
  std::vector<const insider_command*> out;
  for (const auto& cmd : role.insider_commands)
    if (std::any_of(cmd.args.begin(), cmd.args.end(),
                    [](const auto& a) { return a.second == "{count}"; }))
      out.push_back(&cmd);
  return out;
}

std::vector<schedule_item> insider_flood(const context& c, dice& d, std::uint32_t times) {
  auto chosen = insider_and_victim(c, d);
  if (!chosen)
    return {};
  auto commands = repeatable(*chosen->first->role);
  if (commands.empty())
    return {};
  auto step = insider_step(c, d, *d.pick(commands), d.between(0, c.horizon_ms * 3 / 4),
                           chosen->first->name, chosen->second, std::to_string(times));
  if (!step)
    return {};
  return {std::move(*step)};
}

/// Openers of a session that carry a password (purchase's login).
std::vector<const hop_choice*> logins_in(const context& c) {
  std::vector<const hop_choice*> out;
  for (const auto& h : c.hops)
    if (has_fields(schema_of(c.s, h.kind), {"session", "secret", "password"}) &&
        !h.receivers.empty() && !h.senders.empty())
      out.push_back(&h);
  return out;
}

/// `times` logins of the attacker's own, from itself, in one account (its
/// id: anyone may know it) with a password guessed each time, 0.2–2 s apart.
std::vector<schedule_item> guessed_logins(const context& c, dice& d, const hop_choice& h,
                                          std::uint32_t times) {
  account a;
  a.who = d.pick(h.senders);
  auto creds = c.credentials.find(a.who);
  if (creds == c.credentials.end() || !creds->second.count("customer"))
    return {};
  a.credentials = {{"customer", creds->second.at("customer")}};
  a.at_ms = d.between(0, c.horizon_ms * 3 / 4);
  const auto& opener = *schema_of(c.s, h.kind);
  auto to = d.pick(h.receivers);
  std::vector<schedule_item> out;
  for (std::uint32_t i = 0; i < times; ++i, a.at_ms += d.between(200, 2000)) {
    auto base = map_node();
    put(base, "session", d.hex(opener.field("session")->fresh_size()));
    put(base, "secret", d.hex(opener.field("secret")->fresh_size()));
    put(base, "password", "guess-" + d.code());
    out.push_back(action(forge(h.kind, at(a.at_ms), "", to, fields_of(c, d, a, h.kind, base))));
  }
  return out;
}

bool insiders_repeat(const context& c) {
  return std::any_of(c.s.participants.begin(), c.s.participants.end(),
                     [](const auto& p) { return !repeatable(*p.role).empty(); });
}

} // namespace

std::vector<schedule_item> draw_floods(const context& c, std::uint64_t seed) {
  std::vector<schedule_item> out;
  const auto& b = c.s.explore;
  if (b.max_actions == 0 || c.people.empty()) // actions: 0 is no attacker at all
    return out;
  bool forges = allows(b.attacks, "forge");
  auto enrolments = forges ? enrolments_in(c) : std::vector<enrolment_hops>{};
  auto logins = forges ? logins_in(c) : std::vector<const hop_choice*>{};
  bool insiders = b.max_insiders > 0 && insiders_repeat(c);
  // What may be flooded: 0 an enrolment, 1 a login, 2 an insider's command.
  std::vector<int> kinds;
  if (!enrolments.empty())
    kinds.push_back(0);
  if (!logins.empty())
    kinds.push_back(1);
  if (insiders)
    kinds.push_back(2);
  if (kinds.empty())
    return out;
  dice d(seed, "explore.flood");
  auto n = d.between(b.min_floods, b.max_floods);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto times = d.between(6, 12);
    auto kind = d.pick(kinds);
    auto items = kind == 0   ? own_enrolments(c, d, d.pick(enrolments), times)
                 : kind == 1 ? guessed_logins(c, d, *d.pick(logins), times)
                             : insider_flood(c, d, times);
    out.insert(out.end(), items.begin(), items.end());
  }
  return out;
}

} // namespace protobed::explore::draw
