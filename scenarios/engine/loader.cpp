#include "scenarios/engine/loader.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "actors/runtime/suggest.hpp"
#include "scenarios/engine/groups.hpp"
#include "scenarios/engine/load_parts.hpp"
#include "scenarios/engine/yaml_tree.hpp"

namespace protobed {

namespace {

std::string where(const std::string& file, source_pos pos) {
  if (pos.line == 0)
    return file;
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

const std::vector<option_doc> top_level = {
  {"scenario", "string", "", "the scenario's name"},
  {"description", "string", "", "one line on what it shows"},
  {"seed", "integer", "1", "seed of every random stream in sim mode"},
  {"key_seed", "integer", "the seed",
   "seed of the long-term and session keys alone (runs with other seeds share keys)"},
  {"mode", "sim | real", "sim", "virtual time (deterministic) or the real clock"},
  {"time_limit", "duration", "1h", "longest (virtual) time the run may take"},
  {"network", "map", "latency 1ms", "latency, per-link latencies"},
  {"participants", "map", "", "name: {role: …, options…}"},
  {"faults", "list", "none", "drop, delay, duplicate, reorder rules"},
  {"steps", "list", "none", "{at: 1s, <participant>: {<command>: …}}"},
  // Required, but checked after everything else so a more specific mistake
  // is the one reported.
  {"expect", "list", "none: a load error",
   "what must hold at the end (a run must check something): outcome, balance, event, "
   "no_event, invariant, broken"},
  {"placement", "map", "none", "participant: node name, for runs given --nodes"},
  {"explore", "map", "defaults", "bounds for the schedules 'protobed explore' draws"},
};

/// The name as it may be printed: bytes outside printable ASCII as \xNN,
/// so a right-to-left override or a control byte cannot garble the message.
std::string shown(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

/// A scenario file is UTF-8 text: a NUL or a byte that starts no valid UTF-8
/// sequence is refused at its line and column.
void check_text(const std::string& text) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xe  ? 3
                      : (c >> 3) == 0x1e ? 4
                                         : 0;
    bool ok = len != 0 && c != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    if (!ok) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "the file is not UTF-8 text (byte 0x%02x)", c);
      throw config_error({line, column}, buf);
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64)
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

/// The participant's options without the keys every participant has
/// (`role`, `workers`): what its role parses.
config_node options_without_role(const config_node& n) {
  config_node out = n;
  out.entries.erase(
    std::remove_if(out.entries.begin(), out.entries.end(),
                   [](const config_entry& e) { return e.key == "role" || e.key == "workers"; }),
    out.entries.end());
  if (out.entries.empty() && n.is_map())
    out.kind = config_node::type::map;
  return out;
}

/// `workers: N` (0..64): how many worker actors run the participant's
/// offloaded work; 0 runs it in the participant's own actor.
unsigned load_workers(const config_node& participant) {
  const auto* n = participant.find("workers");
  if (!n)
    return 0;
  auto text = n->is_scalar() ? n->scalar : std::string{};
  if (text.empty() || text.size() > 2 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoul(text) > 64)
    throw config_error(n->pos, "workers must be a whole number 0..64");
  return static_cast<unsigned>(std::stoul(text));
}

void load_participants(scenario& s, const config_node& node, const role_registry& roles) {
  if (!node.is_map() || node.entries.empty())
    throw config_error(node.pos, "participants must be a map with at least one participant");
  directory dir;
  for (const auto& e : node.entries) {
    if (!valid_name(e.key) || e.key == "*")
      throw config_error(e.key_pos, "participant name '" + shown(e.key) +
                                      "' must be 1-64 letters, digits, '_', '-' or '.'");
    if (!e.value.is_map())
      throw config_error(e.value.pos, "participant '" + e.key + "' must be a map with a role");
    const auto* role_node = e.value.find("role");
    if (!role_node)
      throw config_error(e.value.pos, "participant '" + e.key + "' needs a role");
    auto role_name = as_string(*role_node, "role");
    const auto* role = roles.find(role_name);
    if (!role)
      throw config_error(role_node->pos, "unknown role '" + role_name + "'" +
                                           did_you_mean(role_name, roles.names()));
    dir.add_participant(e.key, role_name);
    for (const auto& k : role->kinds)
      dir.add_kind(k);
    s.participants.push_back({e.key, role, {}, {}, e.key_pos, load_workers(e.value)});
  }
  std::map<std::string, std::string> phones;
  for (std::size_t i = 0; i < s.participants.size(); ++i) {
    auto& p = s.participants[i];
    auto opts = options_without_role(node.entries[i].value);
    option_reader reader(opts, "participant '" + p.name + "' (" + p.role->name + ")",
                         p.role->options);
    p.config = p.role->parse(reader, dir);
    p.phone = p.role->phone ? p.role->phone(p.config) : std::string{};
    if (!p.phone.empty() && !phones.emplace(p.phone, p.name).second)
      throw config_error(opts.find("phone")->pos,
                         "phone " + p.phone + " already belongs to '" + phones[p.phone] + "'");
  }
}

void load_steps(scenario& s, const config_node& node) {
  if (!node.is_list())
    throw config_error(node.pos, "steps must be a list");
  for (const auto& item : node.items) {
    if (!item.is_map())
      throw config_error(item.pos, "a step must be a map like {at: 1s, alice: {buy: book}}");
    const auto* at = item.find("at");
    if (!at)
      throw config_error(item.pos, "a step needs 'at' (when it happens, e.g. 1s)");
    auto when = as_duration(*at, "at");
    for (const auto& e : item.entries)
      if (e.key != "at")
        s.steps.push_back(load_step(s, when, e));
    if (item.entries.size() < 2)
      throw config_error(item.pos, "a step names at least one participant and its command");
  }
  std::stable_sort(s.steps.begin(), s.steps.end(),
                   [](const step_spec& a, const step_spec& b) { return a.at < b.at; });
}

/// Writes each override into the participant's options (replacing or adding
/// the key); an unknown participant is an error at the participants map.
void apply_overrides(config_node& root, const std::vector<option_override>& overrides) {
  for (const auto& o : overrides) {
    config_node* participants = nullptr;
    for (auto& e : root.entries)
      if (e.key == "participants")
        participants = &e.value;
    config_node* target = nullptr;
    if (participants)
      for (auto& e : participants->entries)
        if (e.key == o.participant)
          target = &e.value;
    if (!target || !target->is_map())
      throw config_error(participants ? participants->pos : root.pos,
                         "--set names unknown participant '" + o.participant + "'");
    auto value = config_node::make_scalar(o.value, target->pos);
    bool replaced = false;
    for (auto& e : target->entries)
      if (e.key == o.option) {
        e.value = value;
        replaced = true;
      }
    if (!replaced)
      target->entries.push_back({o.option, target->pos, value});
  }
}

void load_placement(scenario& s, const config_node& node) {
  if (!node.is_map())
    throw config_error(node.pos, "placement must be a map of participant: node");
  for (const auto& e : node.entries) {
    participant_name(s, config_node::make_scalar(e.key, e.key_pos), "placement", false);
    auto where = as_string(e.value, "node");
    if (!valid_name(where))
      throw config_error(e.value.pos, "node name '" + shown(where) +
                                        "' must be 1-64 letters, digits, '_', '-' or '.'");
    s.placement[e.key] = where;
  }
}

scenario load_tree(const config_node& tree, const std::string& file, const role_registry& roles,
                   group_table groups = {}) {
  auto root = tree;
  auto more = expand_groups(root); // nothing left to expand if the caller already did
  groups.insert(more.begin(), more.end());
  if (!root.is_map())
    throw config_error(root.pos, "a scenario file must be a map (scenario:, participants:, …)");
  option_reader top(root, "the scenario", top_level);
  scenario s;
  s.file = file;
  s.roles = &roles;
  s.groups = std::move(groups);
  s.name = top.str("scenario");
  s.description = top.str("description");
  auto seed = top.integer("seed", 1);
  if (seed < 0)
    throw config_error(top.need("seed").pos, "seed must not be negative");
  s.seed = static_cast<std::uint64_t>(seed);
  if (top.has("key_seed")) {
    auto key_seed = top.integer("key_seed", 0);
    if (key_seed < 0)
      throw config_error(top.need("key_seed").pos, "key_seed must not be negative");
    s.key_seed = static_cast<std::uint64_t>(key_seed);
  }
  auto mode = top.str("mode", "sim");
  if (mode != "sim" && mode != "real")
    throw config_error(top.need("mode").pos, "mode must be sim or real, not '" + mode + "'");
  s.real_mode = mode == "real";
  s.time_limit = top.duration("time_limit", std::chrono::hours(1));
  if (s.time_limit.count() <= 0)
    throw config_error(top.need("time_limit").pos, "time_limit must be above 0");
  load_participants(s, top.need("participants"), roles);
  if (auto n = top.get("network"))
    load_network(s, *n);
  if (auto n = top.get("faults"))
    load_faults(s, *n);
  if (auto n = top.get("steps"))
    load_steps(s, *n);
  if (auto n = top.get("expect"))
    load_expectations(s, *n, roles);
  if (auto n = top.get("placement"))
    load_placement(s, *n);
  if (auto n = top.get("explore"))
    load_explore(s, *n);
  if (!top.has("expect"))
    throw config_error(root.pos, "the scenario has no expect: a run must check something "
                                 "(outcome, balance, event, no_event, invariant or broken)");
  return s;
}

} // namespace

load_error::load_error(const std::string& file, source_pos pos, const std::string& why)
  : std::runtime_error(where(file, pos) + ": " + why) {}

std::optional<option_override> parse_override(const std::string& text) {
  auto dot = text.find('.');
  auto eq = text.find('=');
  if (dot == std::string::npos || eq == std::string::npos || dot == 0 || eq < dot + 2)
    return std::nullopt;
  return option_override{text.substr(0, dot), text.substr(dot + 1, eq - dot - 1),
                         text.substr(eq + 1)};
}

scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::vector<option_override>& overrides,
                            const role_registry& roles) {
  try {
    check_text(text);
    auto root = parse_yaml(text);
    auto groups = expand_groups(root);
    apply_overrides(root, overrides);
    auto s = load_tree(root, name, roles, std::move(groups));
    s.text = text;
    for (const auto& o : overrides)
      s.overrides.push_back(o.participant + "." + o.option + "=" + o.value);
    return s;
  } catch (const config_error& e) {
    throw load_error(name, e.pos(), e.what());
  }
}

config_node read_scenario_tree(const std::string& text, const std::string& name,
                               const std::vector<option_override>& overrides) {
  try {
    check_text(text);
    auto root = parse_yaml(text);
    expand_groups(root);
    apply_overrides(root, overrides);
    return root;
  } catch (const config_error& e) {
    throw load_error(name, e.pos(), e.what());
  }
}

scenario load_scenario_tree(const config_node& root, const std::string& name,
                            const role_registry& roles) {
  try {
    return load_tree(root, name, roles);
  } catch (const config_error& e) {
    throw load_error(name, e.pos(), e.what());
  }
}

std::string read_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw load_error(path, {}, "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (4u << 20))
    throw load_error(path, {}, "file larger than 4 MiB");
  return text.str();
}

scenario load_scenario(const std::string& path, const std::vector<option_override>& overrides,
                       const role_registry& roles) {
  return load_scenario_text(read_scenario_file(path), path, overrides, roles);
}

} // namespace protobed
