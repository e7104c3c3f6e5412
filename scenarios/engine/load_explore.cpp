// Loads explore: (see load_parts.hpp and schema.hpp's explore_bounds).
#include <algorithm>

#include "actors/runtime/suggest.hpp"
#include "scenarios/engine/load_parts.hpp"

namespace protobed {

namespace {

const std::vector<option_doc> explore_schema = {
  {"faults", "N or LO..HI", "0..3", "how many faults a schedule has"},
  {"actions", "N or LO..HI", "0..2", "how many attacker actions a schedule has"},
  {"fault_kinds", "list", "all",
   "faults it may draw: drop, delay, duplicate, reorder, corrupt, partition, offline, crash"},
  {"attacks", "list", "all",
   "attacker actions it may draw: replay, tamper, drop, inject, forge, delay, impersonate, "
   "substitute_key"},
  {"horizon", "duration", "last step + 10s", "faults start and actions fire before this"},
  {"max_probability", "0..1", "0.3", "highest chance a packet fault applies to a packet"},
  {"always_up", "list", "none", "participants never crashed, taken offline or cut off"},
  {"compromises", "N or LO..HI", "0..1",
   "how many long-term keys a schedule that forges hands the attacker"},
  {"sessions", "N or LO..HI", "0..1",
   "how many sessions or channels of its own the attacker opens or reads (a forged login or "
   "mail hello with a secret it chose, a micropay hello or dial with its ephemeral secret) and "
   "forges records in"},
  {"insiders", "N or LO..HI", "0..1",
   "how many participants the attacker controls, made to give an insider's commands (a micropay "
   "peer paying from another's account)"},
  {"floods", "N or LO..HI", "0..1",
   "how many floods a schedule has: an insider command that can repeat (an e-commerce purchase "
   "in a phished card's name) or an enrolment of the attacker's own in someone's number, 6 to 12 "
   "times in a row (past the protocols' rate limits: 5 codes per hour)"},
  {"forge_as", "list", "all",
   "in whose name a forge goes: sender (of its kind), anyone, receiver (answering a packet)"},
  {"forge_values", "list", "all",
   "where forged fields come from: matched, observed, extreme (integers), words (the protocol's "
   "own texts), keys (stolen, public), phished (a participant's id and password)"},
};

constexpr std::uint32_t most = 20;

/// "2" or "0..3", each at most `most`.
std::pair<std::uint32_t, std::uint32_t> count_range(const config_node& n, const std::string& what) {
  auto text = as_string(n, what);
  auto dots = text.find("..");
  auto lo_text = dots == std::string::npos ? text : text.substr(0, dots);
  auto hi_text = dots == std::string::npos ? text : text.substr(dots + 2);
  auto number = [&](const std::string& t) -> std::int64_t {
    bool digits = !t.empty() && t.size() <= 3 &&
                  std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    return digits ? std::stoll(t) : -1;
  };
  auto lo = number(lo_text), hi = number(hi_text);
  if (lo < 0 || hi < 0 || lo > hi || hi > most)
    throw config_error(n.pos, what + " must be N or LO..HI with 0 <= LO <= HI <= " +
                                std::to_string(most) + ", not '" + text + "'");
  return {static_cast<std::uint32_t>(lo), static_cast<std::uint32_t>(hi)};
}

std::vector<std::string> names_from(const config_node& n, const std::string& what,
                                    const std::vector<std::string>& allowed) {
  if (!n.is_list())
    throw config_error(n.pos, what + " must be a list, like [" + allowed.front() + "]");
  std::vector<std::string> out;
  for (const auto& item : n.items) {
    auto name = as_string(item, what);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      throw config_error(item.pos, what + ": unknown '" + name + "'" + did_you_mean(name, allowed));
    if (std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(name);
  }
  return out;
}

} // namespace

void load_explore(scenario& s, const config_node& node) {
  option_reader o(node, "explore", explore_schema);
  auto& b = s.explore;
  const explore_bounds all;
  if (auto n = o.get("faults"))
    std::tie(b.min_faults, b.max_faults) = count_range(*n, "faults");
  if (auto n = o.get("actions"))
    std::tie(b.min_actions, b.max_actions) = count_range(*n, "actions");
  if (auto n = o.get("fault_kinds"))
    b.fault_kinds = names_from(*n, "fault_kinds", all.fault_kinds);
  if (auto n = o.get("attacks"))
    b.attacks = names_from(*n, "attacks", all.attacks);
  if (o.has("horizon"))
    b.horizon = o.positive_duration("horizon", sim_time{0});
  if (auto n = o.get("max_probability"))
    b.max_probability = as_probability(*n, "max_probability");
  if (auto n = o.get("always_up")) {
    if (!n->is_list())
      throw config_error(n->pos, "always_up must be a list of participants");
    for (const auto& item : n->items)
      b.always_up.push_back(participant_name(s, item, "always_up", false));
  }
  if (auto n = o.get("compromises"))
    std::tie(b.min_compromises, b.max_compromises) = count_range(*n, "compromises");
  if (auto n = o.get("sessions"))
    std::tie(b.min_sessions, b.max_sessions) = count_range(*n, "sessions");
  if (auto n = o.get("insiders"))
    std::tie(b.min_insiders, b.max_insiders) = count_range(*n, "insiders");
  if (auto n = o.get("floods"))
    std::tie(b.min_floods, b.max_floods) = count_range(*n, "floods");
  if (auto n = o.get("forge_as"))
    b.forge_as = names_from(*n, "forge_as", all.forge_as);
  if (auto n = o.get("forge_values"))
    b.forge_values = names_from(*n, "forge_values", all.forge_values);
  if (b.max_faults > 0 && b.fault_kinds.empty())
    throw config_error(node.pos, "explore: faults above 0 need at least one of fault_kinds");
  if (b.max_actions > 0 && b.attacks.empty())
    throw config_error(node.pos, "explore: actions above 0 need at least one of attacks");
  bool forges = std::find(b.attacks.begin(), b.attacks.end(), "forge") != b.attacks.end();
  if (b.max_actions > 0 && forges && b.forge_as.empty())
    throw config_error(node.pos, "explore: forge needs at least one of forge_as");
}

} // namespace protobed
