// Loads expect: (see load_parts.hpp and docs/scenario-format.md).
#include "actors/runtime/suggest.hpp"
#include "scenarios/engine/invariants.hpp"
#include "scenarios/engine/load_parts.hpp"

namespace protobed {

namespace {

const std::vector<std::string> expectation_keys = {"outcome",   "balance", "event",  "no_event",
                                                   "invariant", "broken",  "any_of", "follows"};

const std::vector<option_doc> event_schema = {
  {"who", "participant or *", "*", "who recorded the event"},
  {"name", "string", "", "the event's name, as the participant records it"},
  {"count", "integer or {at_least, at_most}", "at least 1",
   "how many times it must occur: exactly N, or within bounds"},
  {"details", "map", "none", "details that must match, e.g. {reason: otp-wrong}"},
};

const std::vector<option_doc> count_schema = {
  {"at_least", "integer >= 0", "0", "it occurs at least this many times"},
  {"at_most", "integer >= 0", "no bound", "it occurs at most this many times"},
};

const std::vector<option_doc> follows_schema = {
  {"first", "event {who, name, details}", "", "each occurrence of this event ..."},
  {"then", "event {who, name, details}", "", "... is followed by one of this event"},
  {"same", "list of detail names", "none", "details that must be equal in both"},
  {"within", "duration", "no limit", "how long after the first the then may come"},
};

count_bound load_count(const config_node& n) {
  if (n.is_scalar()) {
    auto exact = as_amount(n, "count");
    return {exact, exact};
  }
  if (!n.is_map())
    throw config_error(n.pos, "count must be an integer or {at_least: N, at_most: M}");
  option_reader o(n, "count", count_schema);
  if (!o.has("at_least") && !o.has("at_most"))
    throw config_error(n.pos, "count needs at_least, at_most or both");
  count_bound b;
  if (o.has("at_least"))
    b.min = o.amount("at_least", 0);
  if (o.has("at_most"))
    b.max = o.amount("at_most", 0);
  if (b.min && b.max && *b.min > *b.max)
    throw config_error(n.pos, "count: at_least " + std::to_string(*b.min) + " is above at_most " +
                                std::to_string(*b.max));
  return b;
}

/// An event as `event:` writes it (who, name, count, details).
expectation read_event(const scenario& s, const config_node& n, const std::string& what) {
  if (!n.is_map())
    throw config_error(n.pos, what + " expects an event like {who: bank, name: PaymentCommitted}");
  option_reader o(n, what, event_schema);
  expectation x;
  x.type = expectation_type::event;
  x.pos = n.pos;
  x.who = o.get("who") ? participant_name(s, *o.get("who"), "who", true) : "*";
  x.subject = o.str("name");
  if (auto c = o.get("count"))
    x.count = load_count(*c);
  if (auto d = o.get("details")) {
    if (!d->is_map())
      throw config_error(d->pos, "details must be a map of key: value");
    for (const auto& kv : d->entries)
      x.details[kv.key] = as_string(kv.value, kv.key);
  }
  return x;
}

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
  auto x = read_event(s, e.value, e.key);
  if (absent && x.count)
    throw config_error(e.value.find("count")->pos, "no_event takes no count");
  x.type = absent ? expectation_type::no_event : expectation_type::event;
  x.pos = e.key_pos;
  s.expect.push_back(std::move(x));
}

void load_any_of(scenario& s, const config_entry& e) {
  if (!e.value.is_list() || e.value.items.size() < 2)
    throw config_error(e.value.pos, "any_of expects a list of two or more events");
  expectation x;
  x.type = expectation_type::any_of;
  x.pos = e.key_pos;
  for (const auto& item : e.value.items) {
    auto alt = read_event(s, item, "an any_of event");
    if (alt.count)
      throw config_error(item.find("count")->pos, "an any_of event takes no count");
    x.alternatives.push_back(std::move(alt));
  }
  s.expect.push_back(std::move(x));
}

void load_follows(scenario& s, const config_entry& e) {
  option_reader o(e.value, "follows", follows_schema);
  expectation x;
  x.type = expectation_type::follows;
  x.pos = e.key_pos;
  for (const char* part : {"first", "then"}) {
    auto ev = read_event(s, o.need(part), std::string("follows.") + part);
    if (ev.count)
      throw config_error(o.need(part).find("count")->pos, "follows events take no count");
    x.alternatives.push_back(std::move(ev));
  }
  if (auto same = o.get("same")) {
    if (!same->is_list())
      throw config_error(same->pos, "same must be a list of detail names, e.g. [tid]");
    for (const auto& f : same->items)
      x.same.push_back(as_string(f, "same"));
  }
  if (o.has("within"))
    x.within = o.positive_duration("within", sim_time{});
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
                                   "event, no_event, any_of, follows, invariant or broken");
    const auto& e = item.entries.front();
    if (e.key == "outcome")
      load_outcomes(s, e);
    else if (e.key == "balance")
      load_balances(s, e);
    else if (e.key == "event" || e.key == "no_event")
      load_event(s, e, e.key == "no_event");
    else if (e.key == "invariant" || e.key == "broken")
      load_invariant(s, e, e.key == "broken", roles);
    else if (e.key == "any_of")
      load_any_of(s, e);
    else if (e.key == "follows")
      load_follows(s, e);
    else
      throw config_error(e.key_pos, "unknown expectation '" + e.key + "'" +
                                      did_you_mean(e.key, expectation_keys));
  }
}

} // namespace protobed
