// Floods: one thing the attacker may do, done many times in a row. A rate
// limit (5 codes per hour to one card's phone, per number enrolled, 3 wrong
// passwords before an account locks) stops nothing a single draw does; what
// it stops is the one after. Explore repeats, 6–12 times: an insider command
// whose role lets it repeat itself (`{count}`: an e-commerce purchase in a
// phished card's name, the code guessed), an enrolment of the attacker's own
// in someone's number, or a login of its own in someone's account with a
// guessed password. An insider's flood sent to a participant is, half of
// the time, timed to land with the file's own traffic to it while it is
// offline: a spammer filling a queue that holds another sender's messages.
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

/// Whether the command is sent to its victim (an argument is `{other}`).
bool sent_to_victim(const insider_command& cmd) {
  return std::any_of(cmd.args.begin(), cmd.args.end(),
                     [](const auto& a) { return a.second == "{other}"; });
}

/// Who floods whom, and when.
struct spam_plan {
  const participant_spec* insider = nullptr;
  std::string victim;
  std::uint32_t at_ms = 0;
};

/// A flood timed to the file's own traffic: a participant the steps send to
/// (the victim) goes offline before the step, and an insider of its role
/// (not the step's sender) floods it 0–1 s after, until the victim is back
/// 2–8 s later. The victim's queue then holds both senders' messages.
std::optional<spam_plan> spam_while_offline(const context& c, dice& d) {
  std::vector<spam_plan> plans;
  for (const auto& t : c.talks) {
    if (!allows(c.downable, t.to))
      continue;
    const participant_spec* victim = nullptr;
    for (const auto& p : c.s.participants)
      if (p.name == t.to)
        victim = &p;
    for (const auto& p : c.s.participants)
      if (victim && p.role == victim->role && p.name != t.to && p.name != t.who &&
          !repeatable(*p.role).empty())
        plans.push_back({&p, t.to, t.at_ms});
  }
  if (plans.empty())
    return std::nullopt;
  return d.pick(plans);
}

schedule_item offline_fault(const std::string& who, std::uint32_t from_ms, std::uint32_t until_ms) {
  auto f = map_node();
  put(f, "participant", who);
  put(f, "from", at(from_ms));
  put(f, "until", at(until_ms));
  return {schedule_item::part::fault, one("offline", std::move(f))};
}

/// Whether some participant's repeatable command is sent to its victim.
bool may_spam(const context& c) {
  for (const auto& p : c.s.participants)
    for (const auto* cmd : repeatable(*p.role))
      if (sent_to_victim(*cmd))
        return !c.talks.empty();
  return false;
}

std::vector<schedule_item> insider_flood(const context& c, dice& d, std::uint32_t times) {
  auto chosen = insider_and_victim(c, d);
  if (!chosen)
    return {};
  spam_plan plan{chosen->first, chosen->second, d.between(0, c.horizon_ms * 3 / 4)};
  auto spam = may_spam(c) && d.chance(50) ? spam_while_offline(c, d) : std::nullopt;
  if (spam)
    plan = *spam;
  auto commands = repeatable(*plan.insider->role);
  if (commands.empty())
    return {};
  const auto& cmd = *d.pick(commands);
  if (spam && !sent_to_victim(cmd))
    spam.reset();
  std::vector<schedule_item> out;
  if (spam) {
    auto down = plan.at_ms - std::min(plan.at_ms, d.between(0, 1000));
    plan.at_ms += d.between(0, 1000);
    out.push_back(offline_fault(plan.victim, down, plan.at_ms + d.between(2000, 8000)));
  }
  auto step =
    insider_step(c, d, cmd, plan.at_ms, plan.insider->name, plan.victim, std::to_string(times));
  if (!step)
    return {};
  out.push_back(std::move(*step));
  return out;
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
  enum class flooded { enrolment, login, insider_command };
  std::vector<flooded> kinds;
  if (!enrolments.empty())
    kinds.push_back(flooded::enrolment);
  if (!logins.empty())
    kinds.push_back(flooded::login);
  if (insiders)
    kinds.push_back(flooded::insider_command);
  if (kinds.empty())
    return out;
  dice d(seed, "explore.flood");
  auto n = d.between(b.min_floods, b.max_floods);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto times = d.between(6, 12);
    auto kind = d.pick(kinds);
    auto items = kind == flooded::enrolment ? own_enrolments(c, d, d.pick(enrolments), times)
                 : kind == flooded::login   ? guessed_logins(c, d, *d.pick(logins), times)
                                            : insider_flood(c, d, times);
    out.insert(out.end(), items.begin(), items.end());
  }
  return out;
}

} // namespace protobed::explore::draw
