// Loads network:, faults: and steps: (see load_parts.hpp).
#include <set>

#include "actors/core/suggest.hpp"
#include "scenarios/engine/load_parts.hpp"

namespace protobed {

namespace {

const std::vector<option_doc> network_schema = {
  {"latency", "duration", "1ms", "one-way latency of every link"},
  {"links", "list", "none", "per-link latency: {from, to, latency}"},
};

const std::vector<option_doc> link_schema = {
  {"from", "participant or *", "*", "sender"},
  {"to", "participant or *", "*", "recipient"},
  {"kind", "packet kind or *", "*", "packet kind"},
  {"latency", "duration", "", "one-way latency on this link"},
};

std::vector<option_doc> fault_schema(fault_type t) {
  std::vector<option_doc> s = {
    {"from", "participant or *", "*", "sender the rule applies to"},
    {"to", "participant or *", "*", "recipient the rule applies to"},
    {"kind", "packet kind or *", "*", "packet kind the rule applies to"},
    {"after", "integer", "0", "let this many matching packets pass first"},
    {"count", "integer", "unlimited", "apply at most this many times"},
    {"probability", "0..1", "1", "chance to apply to each matching packet"},
  };
  if (t == fault_type::delay)
    s.push_back({"by", "duration", "", "extra delay"});
  if (t == fault_type::duplicate) {
    s.push_back({"copies", "integer", "1", "extra copies to deliver"});
    s.push_back({"spacing", "duration", "0", "time between copies"});
  }
  if (t == fault_type::reorder)
    s.push_back({"hold", "duration", "1s", "longest a packet waits to be overtaken"});
  return s;
}

std::set<std::string> known_kinds(const scenario& s) {
  std::set<std::string> kinds;
  for (const auto& p : s.participants)
    kinds.insert(p.role->kinds.begin(), p.role->kinds.end());
  return kinds;
}

link_filter load_filter(const scenario& s, const option_reader& o) {
  link_filter f;
  if (auto n = o.get("from"))
    f.from = participant_name(s, *n, "from", true);
  if (auto n = o.get("to"))
    f.to = participant_name(s, *n, "to", true);
  if (auto n = o.get("kind")) {
    f.kind = as_string(*n, "kind");
    auto kinds = known_kinds(s);
    if (f.kind != "*" && kinds.count(f.kind) == 0)
      throw config_error(n->pos, "unknown packet kind '" + f.kind + "'" +
                                   did_you_mean(f.kind, {kinds.begin(), kinds.end()}));
  }
  return f;
}

fault_rule load_fault(const scenario& s, fault_type t, const config_entry& e) {
  option_reader o(e.value, std::string("fault '") + to_string(t) + "'", fault_schema(t));
  fault_rule r;
  r.type = t;
  r.pos = e.key_pos;
  r.on = load_filter(s, o);
  r.after = static_cast<std::uint64_t>(o.amount("after", 0));
  if (o.has("count"))
    r.count = static_cast<std::uint64_t>(o.amount("count", 0));
  if (auto p = o.get("probability"))
    r.probability = as_probability(*p, "probability");
  if (t == fault_type::delay)
    r.delay = o.duration("by", sim_time{0});
  if (t == fault_type::duplicate) {
    auto copies = o.integer("copies", 1);
    if (copies < 1 || copies > 1000)
      throw config_error(o.need("copies").pos, "copies must be 1..1000");
    r.copies = static_cast<std::uint32_t>(copies);
    r.spacing = o.duration("spacing", sim_time{0});
  }
  if (t == fault_type::reorder)
    r.delay = o.duration("hold", std::chrono::seconds(1));
  return r;
}

} // namespace

std::string participant_name(const scenario& s, const config_node& n, const std::string& what,
                             bool wildcard) {
  auto name = as_string(n, what);
  if ((wildcard && name == "*") || s.find(name))
    return name;
  std::vector<std::string> names;
  for (const auto& p : s.participants)
    names.push_back(p.name);
  throw config_error(n.pos, what + " names unknown participant '" + name + "'" +
                              did_you_mean(name, names));
}

void load_network(scenario& s, const config_node& node) {
  option_reader o(node, "network", network_schema);
  s.network.latency = o.duration("latency", std::chrono::milliseconds(1));
  auto links = o.get("links");
  if (!links)
    return;
  if (!links->is_list())
    throw config_error(links->pos, "links must be a list of {from, to, latency}");
  for (const auto& l : links->items) {
    option_reader lo(l, "a link", link_schema);
    s.network.links.push_back({load_filter(s, lo), lo.duration("latency", sim_time{0})});
  }
}

void load_faults(scenario& s, const config_node& node) {
  if (!node.is_list())
    throw config_error(node.pos, "faults must be a list like [{drop: {from: a, to: b}}]");
  static const std::vector<std::string> types = {"drop", "delay", "duplicate", "reorder"};
  for (const auto& item : node.items) {
    if (!item.is_map() || item.entries.size() != 1)
      throw config_error(item.pos, "a fault is a map with one key: drop, delay, duplicate or "
                                   "reorder");
    const auto& e = item.entries.front();
    auto t = std::find(types.begin(), types.end(), e.key);
    if (t == types.end())
      throw config_error(e.key_pos, "unknown fault '" + e.key + "'" + did_you_mean(e.key, types));
    s.network.faults.push_back(load_fault(s, static_cast<fault_type>(t - types.begin()), e));
  }
}

step_spec load_step(const scenario& s, sim_time at, const config_entry& e) {
  const auto* p = s.find(e.key);
  if (!p)
    participant_name(s, config_node::make_scalar(e.key, e.key_pos), "step", false);
  if (!e.value.is_map() || e.value.entries.size() != 1)
    throw config_error(e.value.pos,
                       "step for '" + e.key + "' must be one command, like {buy: book}");
  const auto& c = e.value.entries.front();
  return {at, e.key, parse_command(*p->role, c.key, c.key_pos, c.value), e.key_pos};
}

} // namespace protobed
