// Loads expect: (see load_parts.hpp and docs/scenario-format.md).
#include "actors/runtime/suggest.hpp"
#include "scenarios/engine/invariants.hpp"
#include "scenarios/engine/load_parts.hpp"

namespace protobed {

namespace {

const std::vector<std::string> expectation_keys = {"outcome",  "balance",   "event",
                                                   "no_event", "invariant", "broken"};

const std::vector<option_doc> event_schema = {
  {"who", "participant or *", "*", "who recorded the event"},
  {"name", "string", "", "the event's name, as the participant records it"},
  {"count", "integer", "at least 1", "exact number of times it must occur"},
  {"details", "map", "none", "details that must match, e.g. {reason: otp-wrong}"},
};

void load_outcomes(scenario& s, const config_entry& e) {
  if (!e.value.is_map() || e.value.entries.empty())
    throw config_error(e.value.pos, "outcome expects a map like {alice: committed}");
  for (const auto& o : e.value.entries) {
    expectation x;
    x.type = expectation_type::outcome;
    x.who = participant_name(s, config_node::make_scalar(o.key, o.key_pos), "outcome", false);
    x.expected = as_string(o.value, "outcome");
    x.pos = o.key_pos;
    s.expect.push_back(std::move(x));
  }
}

void load_balances(scenario& s, const config_entry& e) {
  if (!e.value.is_map() || e.value.entries.empty())
    throw config_error(e.value.pos, "balance expects a map like {bank: {alice: 75}}");
  for (const auto& b : e.value.entries) {
    auto bank = participant_name(s, config_node::make_scalar(b.key, b.key_pos), "balance", false);
    if (!b.value.is_map() || b.value.entries.empty())
      throw config_error(b.value.pos, "balance at '" + bank + "' expects {holder: amount}");
    for (const auto& h : b.value.entries) {
      expectation x;
      x.type = expectation_type::balance;
      x.who = bank;
      x.subject = h.key;
      x.number = as_int(h.value, "balance of '" + h.key + "'");
      x.pos = h.key_pos;
      s.expect.push_back(std::move(x));
    }
  }
}

void load_event(scenario& s, const config_entry& e, bool absent) {
  option_reader o(e.value, e.key, event_schema);
  expectation x;
  x.type = absent ? expectation_type::no_event : expectation_type::event;
  x.pos = e.key_pos;
  x.who = o.get("who") ? participant_name(s, *o.get("who"), "who", true) : "*";
  x.subject = o.str("name");
  if (absent && o.has("count"))
    throw config_error(o.need("count").pos, "no_event takes no count");
  if (o.has("count"))
    x.count = o.amount("count", 0);
  if (auto d = o.get("details")) {
    if (!d->is_map())
      throw config_error(d->pos, "details must be a map of key: value");
    for (const auto& kv : d->entries)
      x.details[kv.key] = as_string(kv.value, kv.key);
  }
  s.expect.push_back(std::move(x));
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

void load_invariant(scenario& s, const config_entry& e, bool broken, const role_registry& roles) {
  auto name = as_string(e.value, "invariant");
  if (!find_invariant(name, roles)) {
    auto names = invariant_names(roles);
    throw config_error(e.value.pos, "unknown invariant '" + name + "'" + did_you_mean(name, names) +
                                      "; registered: " + joined(names));
  }
  expectation x;
  x.type = broken ? expectation_type::broken : expectation_type::invariant;
  x.subject = name;
  x.pos = e.value.pos;
  s.expect.push_back(std::move(x));
}

} // namespace

void load_expectations(scenario& s, const config_node& node, const role_registry& roles) {
  if (!node.is_list() || node.items.empty())
    throw config_error(node.pos, "expect must be a non-empty list: a run must check something");
  for (const auto& item : node.items) {
    if (!item.is_map() || item.entries.size() != 1)
      throw config_error(item.pos, "an expectation is a map with one key: outcome, balance, "
                                   "event, no_event, invariant or broken");
    const auto& e = item.entries.front();
    if (e.key == "outcome")
      load_outcomes(s, e);
    else if (e.key == "balance")
      load_balances(s, e);
    else if (e.key == "event" || e.key == "no_event")
      load_event(s, e, e.key == "no_event");
    else if (e.key == "invariant" || e.key == "broken")
      load_invariant(s, e, e.key == "broken", roles);
    else
      throw config_error(e.key_pos, "unknown expectation '" + e.key + "'" +
                                      did_you_mean(e.key, expectation_keys));
  }
}

} // namespace protobed
