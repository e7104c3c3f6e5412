#include "scenarios/explore/trial.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/director.hpp"
#include "scenarios/engine/invariants.hpp"
#include "scenarios/explore/yaml_writer.hpp"

namespace protobed::explore {

namespace {

bool plays(const scenario& s, const protocol_info& proto) {
  for (const auto& p : s.participants) {
    if (s.registry().protocol_of(*p.role) == &proto)
      return true;
    for (const auto& h : proto.hops)
      if (std::find(p.role->kinds.begin(), p.role->kinds.end(), h.kind) != p.role->kinds.end())
        return true;
  }
  return false;
}

/// What a schedule that hands the attacker a key is held to instead of
/// secrecy (actors/attack/register.cpp).
const std::string stolen_key_secrecy = "secrecy_of_others";

void add_unique(std::vector<std::string>& v, const std::string& name) {
  if (std::find(v.begin(), v.end(), name) == v.end())
    v.push_back(name);
}

/// The engine's invariants, those of every protocol the scenario plays and
/// the file's own, except those the file expects broken.
void choose_invariants(target& t) {
  const auto& s = t.loaded;
  std::set<std::string> expected_broken;
  for (const auto& x : s.expect)
    if (x.type == expectation_type::broken)
      expected_broken.insert(x.subject);
  auto keep = [&](std::vector<std::string>& into, const std::string& name) {
    if (!expected_broken.count(name))
      add_unique(into, name);
  };
  for (const auto& inv : engine_invariants())
    keep(t.invariants, inv.name);
  for (const auto& proto : s.registry().protocols()) {
    if (proto.name == "attacker") {
      for (const auto& inv : proto.invariants)
        if (inv.name != stolen_key_secrecy) // the stand-in, for schedules with a compromise
          keep(t.attacker_invariants, inv.name);
    } else if (plays(s, proto)) {
      for (const auto& inv : proto.invariants)
        keep(t.invariants, inv.name);
    }
  }
  for (const auto& x : s.expect)
    if (x.type == expectation_type::invariant)
      keep(t.invariants, x.subject);
  add_unique(t.secrecy_invariants, "secrecy");
  // The attacker's, when the file checks them anyway, are always checked.
  auto& a = t.attacker_invariants;
  a.erase(std::remove_if(a.begin(), a.end(),
                         [&](const std::string& n) {
                           return std::find(t.invariants.begin(), t.invariants.end(), n) !=
                                  t.invariants.end();
                         }),
          a.end());
}

config_node& list_at(config_node& root, const std::string& key) {
  if (auto* n = find_entry(root, key); n && n->is_list())
    return *n;
  put(root, key, list_node());
  return *find_entry(root, key);
}

/// The attacker participant: taps the links its actions watch (or, if none
/// does — a compromise and timed forges —, only what is sent to it).
config_node attacker_of(const schedule& sched, const std::string& name) {
  auto taps = list_node();
  auto actions = list_node();
  std::set<std::string> seen;
  for (const auto& item : sched.items) {
    if (item.where != schedule_item::part::action)
      continue;
    actions.items.push_back(item.body);
    const auto& body = item.body.entries.front().value;
    auto tap = [&](const config_node* link) {
      if (link && link->is_scalar() && seen.insert(link->scalar).second)
        taps.items.push_back(*link);
    };
    for (const char* key : {"link", "on", "copy_of"}) {
      const auto* n = body.find(key);
      tap(n && n->is_map() ? n->find("link") : n);
    }
    // A forged field copied from an observed packet: it must see that link.
    if (const auto* fields = body.find("fields"); fields && fields->is_map())
      for (const auto& f : fields->entries)
        if (const auto* o = f.value.is_map() ? f.value.find("observed") : nullptr)
          tap(o->is_map() ? o->find("link") : nullptr);
  }
  if (taps.items.empty())
    taps.items.push_back(scalar_node("*->" + name));
  auto a = map_node();
  put(a, "role", "attacker");
  put(a, "taps", std::move(taps));
  put(a, "actions", std::move(actions));
  return a;
}

} // namespace

std::string trial_result::failure() const {
  if (!broken.empty())
    return broken.front().name;
  if (invalid)
    return "invalid-schedule";
  return completed ? std::string{} : std::string("incomplete");
}

target load_target(const std::string& path, const std::vector<option_override>& overrides) {
  target t;
  t.file = path;
  t.tree = read_scenario_tree(read_scenario_file(path), path, overrides);
  t.loaded = load_scenario_tree(t.tree, path);
  t.key_seed = t.loaded.key_seed.value_or(t.loaded.seed);
  t.attacker = attacker_name(t.loaded);
  choose_invariants(t);
  return t;
}

config_node with_schedule(const target& t, const schedule& sched, std::uint64_t seed) {
  auto root = t.tree;
  put(root, "seed", std::to_string(seed));
  put(root, "key_seed", std::to_string(t.key_seed));
  put(root, "mode", "sim");
  auto& faults = list_at(root, "faults");
  for (const auto& item : sched.items)
    if (item.where == schedule_item::part::fault)
      faults.items.push_back(item.body);
  for (const auto& item : sched.items)
    if (item.where == schedule_item::part::step)
      list_at(root, "steps").items.push_back(item.body);
  if (faults.items.empty())
    root.entries.erase(std::remove_if(root.entries.begin(), root.entries.end(),
                                      [](const config_entry& e) { return e.key == "faults"; }),
                       root.entries.end());
  if (sched.actions() > 0)
    put(*find_entry(root, "participants"), t.attacker, attacker_of(sched, t.attacker));
  auto expect = list_node();
  auto names = t.invariants;
  if (sched.actions() > 0)
    names.insert(names.end(), t.attacker_invariants.begin(), t.attacker_invariants.end());
  // A stolen key opens what its owner sent and was sent: that is what a
  // compromise is, not a hole. A schedule with one is held to secrecy only
  // beyond the stolen keys' owners.
  bool stolen = std::any_of(sched.items.begin(), sched.items.end(),
                            [](const schedule_item& i) { return i.type() == "compromise"; });
  if (stolen) {
    auto before = names.size();
    names.erase(std::remove_if(names.begin(), names.end(),
                               [&](const std::string& n) {
                                 return std::find(t.secrecy_invariants.begin(),
                                                  t.secrecy_invariants.end(),
                                                  n) != t.secrecy_invariants.end();
                               }),
                names.end());
    if (names.size() != before)
      add_unique(names, stolen_key_secrecy);
  }
  for (const auto& name : names) {
    auto x = map_node();
    put(x, "invariant", name);
    expect.items.push_back(std::move(x));
  }
  put(root, "expect", std::move(expect));
  return root;
}

trial_result run_trial(const target& t, const schedule& sched, std::uint64_t seed) {
  trial_result r;
  r.seed = seed;
  scenario s;
  try {
    s = load_scenario_tree(with_schedule(t, sched, seed), t.file);
  } catch (const load_error& e) {
    // A schedule the loader refuses is explore's own bug: reported, never hidden.
    r.completed = false;
    r.incomplete_reason = std::string("the drawn schedule does not load: ") + e.what();
    r.invalid = true;
    return r;
  }
  auto run = run_scenario(s);
  r.completed = run.completed;
  r.incomplete_reason = run.incomplete_reason;
  for (const auto& c : check_expectations(s, run))
    if (!c.passed)
      r.broken.push_back({c.text, c.observed});
  return r;
}

} // namespace protobed::explore
