// Loads network:, faults: and steps: (see load_parts.hpp).
#include <set>

#include "actors/runtime/suggest.hpp"
#include "scenarios/engine/load_parts.hpp"

namespace protobed {

namespace {

const std::vector<option_doc> network_schema = {
  {"latency", "duration", "1ms", "one-way latency of every link"},
  {"links", "list", "none", "per-link latency: {from, to, latency}"},
  {"queue_delay_limit", "duration", "10s",
   "longest a packet may wait in its recipient's input queue; later it is shed (PacketShed)"},
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
  if (t == fault_type::delay) {
    s.push_back({"by", "duration", "", "extra delay"});
    s.push_back({"jitter", "duration", "0", "plus a uniform random extra up to this"});
  }
  if (t == fault_type::drop)
    s.push_back(
      {"burst", "integer", "1", "once it fires, drop this many matching packets in a row"});
  if (t == fault_type::corrupt)
    s.push_back({"bytes", "integer", "1", "random bytes to flip"});
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

std::int64_t bounded(const option_reader& o, const std::string& key, std::int64_t lo,
                     std::int64_t hi) {
  auto v = o.integer(key, lo);
  if (v < lo || v > hi)
    throw config_error(o.need(key).pos,
                       key + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

time_window load_window(const option_reader& o, const char* start_key, const char* end_key) {
  time_window w;
  w.from = o.duration(start_key, sim_time{0});
  if (o.has(end_key)) {
    w.until = o.duration(end_key, sim_time{0});
    if (*w.until <= w.from)
      throw config_error(o.need(end_key).pos,
                         std::string(end_key) + " must come after " + start_key);
  }
  return w;
}

void load_partition(scenario& s, const config_entry& e) {
  option_reader o(e.value, "fault 'partition'",
                  {{"participants", "list", "", "the participants cut off from the rest"},
                   {"from", "duration", "0", "when the partition starts"},
                   {"until", "duration", "the end", "when it heals"}});
  partition_rule p;
  const auto& list = o.need("participants");
  if (!list.is_list() || list.items.empty())
    throw config_error(list.pos, "participants must be a non-empty list of names");
  for (const auto& n : list.items)
    p.side.push_back(participant_name(s, n, "participants", false));
  p.when = load_window(o, "from", "until");
  s.network.partitions.push_back(std::move(p));
}

void load_outage(scenario& s, const config_entry& e) {
  bool crash = e.key == "crash";
  std::vector<option_doc> schema = {{"participant", "participant", "", "who goes down"}};
  if (crash) {
    schema.push_back({"at", "duration", "", "when it crashes"});
    schema.push_back({"restart", "duration", "never", "when it comes back"});
    schema.push_back({"state", "lost | kept", "the role's", "what it remembers on restart"});
  } else {
    schema.push_back({"from", "duration", "0", "when it goes offline"});
    schema.push_back({"until", "duration", "the end", "when it is back"});
  }
  option_reader o(e.value, "fault '" + e.key + "'", schema);
  outage out;
  out.participant = participant_name(s, o.need("participant"), "participant", false);
  out.crash = crash;
  out.when = crash ? load_window(o, "at", "restart") : load_window(o, "from", "until");
  if (crash) {
    auto state = o.str("state", s.find(out.participant)->role->durable ? "kept" : "lost");
    if (state != "kept" && state != "lost")
      throw config_error(o.need("state").pos, "state must be lost or kept, not '" + state + "'");
    out.keep_state = state == "kept";
  }
  s.network.outages.push_back(std::move(out));
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
  if (t == fault_type::delay) {
    r.delay = o.duration("by", sim_time{0});
    r.jitter = o.duration("jitter", sim_time{0});
  }
  if (t == fault_type::drop)
    r.burst = static_cast<std::uint32_t>(bounded(o, "burst", 1, 1000000));
  if (t == fault_type::corrupt)
    r.bytes = static_cast<std::uint32_t>(bounded(o, "bytes", 1, 1024));
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
  if (auto g = s.groups.find(name); g != s.groups.end())
    throw config_error(n.pos, what + " names group '" + name + "': write every: " + name +
                                " for each member, or one member by name (" + g->second.front() +
                                ")");
  std::vector<std::string> names;
  for (const auto& p : s.participants)
    names.push_back(p.name);
  throw config_error(n.pos, what + " names unknown participant '" + name + "'" +
                              did_you_mean(name, names));
}

void load_network(scenario& s, const config_node& node) {
  option_reader o(node, "network", network_schema);
  s.network.latency = o.duration("latency", std::chrono::milliseconds(1));
  s.network.queue_delay_limit = o.duration("queue_delay_limit", std::chrono::seconds(10));
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
  // Packet faults first, in fault_type order; then the time-window faults.
  static const std::vector<std::string> types = {"drop",    "delay",     "duplicate", "reorder",
                                                 "corrupt", "partition", "offline",   "crash"};
  for (const auto& item : node.items) {
    if (!item.is_map() || item.entries.size() != 1)
      throw config_error(item.pos, "a fault is a map with one key: drop, delay, duplicate, "
                                   "reorder, corrupt, partition, offline or crash");
    const auto& e = item.entries.front();
    auto t = std::find(types.begin(), types.end(), e.key);
    if (t == types.end())
      throw config_error(e.key_pos, "unknown fault '" + e.key + "'" + did_you_mean(e.key, types));
    if (e.key == "partition") {
      load_partition(s, e);
      continue;
    }
    if (e.key == "offline" || e.key == "crash") {
      load_outage(s, e);
      continue;
    }
    s.network.faults.push_back(load_fault(s, static_cast<fault_type>(t - types.begin()), e));
  }
}

/// A participant-valued argument (type "participant(<role>)") must name a
/// participant of that role.
static void check_participant_args(const scenario& s, const role_info& role,
                                   const config_entry& c) {
  for (const auto& doc : role.commands) {
    if (doc.verb != c.key)
      continue;
    for (const auto& arg : doc.args) {
      if (arg.type.rfind("participant(", 0) != 0)
        continue;
      const config_node* v = c.value.is_scalar() && arg.name == doc.primary ? &c.value
                             : c.value.is_map()                             ? c.value.find(arg.name)
                                                                            : nullptr;
      if (!v)
        continue;
      auto want = arg.type.substr(12, arg.type.size() - 13);
      auto name = participant_name(s, *v, arg.name, false);
      if (s.find(name)->role->name != want)
        throw config_error(v->pos, arg.name + " '" + name + "' is a " + s.find(name)->role->name +
                                     ", not a " + want);
    }
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
  auto cmd = parse_command(*p->role, c.key, c.key_pos, c.value);
  check_participant_args(s, *p->role, c);
  return {at, e.key, std::move(cmd), e.key_pos};
}

} // namespace protobed
