#include "scenarios/engine/groups.hpp"

#include <cctype>
#include <set>

#include "actors/runtime/suggest.hpp"

namespace protobed {

namespace {

/// The most members one group (or generated list item) may make.
constexpr std::int64_t max_group = 100000;

/// How many values all expansions of one file may make together: a file of a
/// few KiB must not become gigabytes (100,000 members of 20 values fit).
constexpr std::size_t max_expanded = 2000000;

struct budget {
  std::size_t left = max_expanded;

  void charge(std::size_t values, source_pos pos) {
    if (values > left)
      throw config_error(pos, "groups and every: would make more than " +
                                std::to_string(max_expanded) +
                                " values in all; make fewer or smaller groups");
    left -= values;
  }
};

std::size_t values_in(const config_node& n) {
  std::size_t k = 1;
  for (const auto& i : n.items)
    k += values_in(i);
  for (const auto& e : n.entries)
    k += values_in(e.value);
  return k;
}

const config_entry* entry_of(const config_node& n, const std::string& key) {
  for (const auto& e : n.entries)
    if (e.key == key)
      return &e;
  return nullptr;
}

bool is_template(const config_node& n) {
  return n.is_map() && n.find("group") != nullptr;
}

std::int64_t whole_number(const config_node& n, const std::string& what, std::int64_t lo,
                          std::int64_t hi) {
  std::int64_t v = 0;
  try {
    v = as_int(n, what);
  } catch (const config_error&) {
    v = lo - 1;
  }
  if (v < lo || v > hi)
    throw config_error(n.pos, what + " must be a whole number " + std::to_string(lo) + ".." +
                                std::to_string(hi));
  return v;
}

/// Fills `{i}` in every scalar below `n`, leaving generated list items (maps
/// with their own `group`) for their own numbering.
void substitute(config_node& n, std::int64_t i) {
  if (n.is_scalar()) {
    n.scalar = fill_template(n.scalar, i, n.pos);
    return;
  }
  for (auto& item : n.items)
    if (!is_template(item))
      substitute(item, i);
  for (auto& e : n.entries)
    substitute(e.value, i);
}

/// How many members and the first number: `group: N`, `from: K` (default 1).
struct numbering {
  std::int64_t count = 0;
  std::int64_t from = 1;
};

numbering numbering_of(const config_node& t, budget& b) {
  numbering out;
  out.count = whole_number(*t.find("group"), "group", 1, max_group);
  if (const auto* f = t.find("from"))
    out.from = whole_number(*f, "from", 0, 1000000000);
  b.charge(static_cast<std::size_t>(out.count) * values_in(t), t.find("group")->pos);
  return out;
}

/// The template without its numbering keys: what each member starts from.
config_node body_of(const config_node& t, std::initializer_list<const char*> drop) {
  config_node out = t;
  out.entries.clear();
  for (const auto& e : t.entries) {
    bool dropped = false;
    for (const auto* d : drop)
      dropped = dropped || e.key == d;
    if (!dropped)
      out.entries.push_back(e);
  }
  return out;
}

/// A member's copy of the template, with `what` naming it in any error.
config_node member_of(const config_node& body, std::int64_t i, const std::string& what) {
  config_node m = body;
  try {
    substitute(m, i);
  } catch (const config_error& e) {
    throw config_error(e.pos(), what + ": " + e.what());
  }
  return m;
}

/// Lists anywhere below `n`: each item with `group: N` becomes N items.
void expand_lists(config_node& n, budget& b) {
  if (n.is_list()) {
    std::vector<config_node> items;
    for (auto& item : n.items) {
      if (!is_template(item)) {
        expand_lists(item, b);
        items.push_back(std::move(item));
        continue;
      }
      auto num = numbering_of(item, b);
      auto body = body_of(item, {"group", "from"});
      for (std::int64_t k = 0; k < num.count; ++k) {
        auto i = num.from + k;
        items.push_back(member_of(body, i, "item " + std::to_string(i) + " of the generated list"));
        expand_lists(items.back(), b);
      }
    }
    n.items = std::move(items);
    return;
  }
  for (auto& e : n.entries)
    expand_lists(e.value, b);
}

void add_members(const config_entry& g, std::set<std::string>& taken,
                 std::vector<config_entry>& out, group_table& groups, budget& b) {
  const auto& t = g.value;
  auto num = numbering_of(t, b);
  const auto* name = t.find("name");
  if (!name)
    throw config_error(t.pos, "group '" + g.key + "' needs name: a template like \"c{i:04}\"");
  auto pattern = as_string(*name, "name");
  if (pattern.find("{i") == std::string::npos)
    throw config_error(name->pos, "group '" + g.key +
                                    "': name must contain {i} (or {i:04}), so each member has "
                                    "its own name, not '" +
                                    pattern + "'");
  auto body = body_of(t, {"group", "name", "from"});
  auto& members = groups[g.key];
  for (std::int64_t k = 0; k < num.count; ++k) {
    auto i = num.from + k;
    auto who = fill_template(pattern, i, name->pos);
    if (!taken.insert(who).second)
      throw config_error(name->pos, "group '" + g.key + "' makes member '" + who +
                                      "', a name another participant already has");
    out.push_back(
      {who, g.key_pos, member_of(body, i, "member '" + who + "' of group '" + g.key + "'")});
    members.push_back(who);
  }
}

void expand_participants(config_node& participants, group_table& groups, budget& b) {
  if (!participants.is_map())
    return; // the loader reports it
  std::set<std::string> taken;
  for (const auto& e : participants.entries)
    if (!is_template(e.value))
      taken.insert(e.key);
  for (const auto& e : participants.entries)
    if (is_template(e.value) && taken.count(e.key))
      throw config_error(e.key_pos, "group '" + e.key + "' has the name of one of its members");
  std::vector<config_entry> out;
  for (auto& e : participants.entries) {
    if (is_template(e.value))
      add_members(e, taken, out, groups, b);
    else
      out.push_back(std::move(e));
  }
  for (auto& e : out)
    expand_lists(e.value, b);
  participants.entries = std::move(out);
}

/// The members `every: NAME` addresses, each charged `values` to the budget.
const std::vector<std::string>& members_of(const group_table& groups, const config_node& n,
                                           std::size_t values, budget& b) {
  auto name = as_string(n, "every");
  auto i = groups.find(name);
  if (i != groups.end()) {
    b.charge(i->second.size() * values, n.pos);
    return i->second;
  }
  std::vector<std::string> names;
  for (const auto& [g, m] : groups)
    names.push_back(g);
  throw config_error(n.pos, "every: names no group '" + name + "'" + did_you_mean(name, names) +
                              (groups.empty() ? "; the scenario defines none "
                                                "(participants: NAME: {group: N, name: …})"
                                              : ""));
}

/// `{at: 1s, every: clients, do: {buy: book}}` -> one entry per member.
void expand_step(config_node& step, const group_table& groups, budget& b) {
  const auto* every = entry_of(step, "every");
  const auto* act = entry_of(step, "do");
  if (!every && act)
    throw config_error(act->key_pos, "do: goes with every: GROUP (each member does it)");
  if (!every)
    return;
  if (!act)
    throw config_error(every->key_pos,
                       "a step with every: needs do: {COMMAND: ARGS}, what each member does");
  const auto& members = members_of(groups, every->value, values_in(act->value), b);
  std::vector<config_entry> entries;
  for (const auto& e : step.entries) {
    if (e.key == "every")
      for (const auto& m : members)
        entries.push_back({m, act->key_pos, act->value});
    else if (e.key != "do")
      entries.push_back(e);
  }
  step.entries = std::move(entries);
}

config_node one_entry_map(const std::string& key, source_pos key_pos, config_node value,
                          source_pos pos) {
  config_node n;
  n.kind = config_node::type::map;
  n.pos = pos;
  n.entries.push_back({key, key_pos, std::move(value)});
  return n;
}

/// `{every: clients, balance: {bank: 75}}` -> `{balance: {bank: {c01: 75, …}}}`.
config_node every_balance(const config_entry& x, const std::vector<std::string>& members) {
  if (!x.value.is_map() || x.value.entries.empty())
    throw config_error(x.value.pos, "with every:, balance is {BANK: AMOUNT}: each member's "
                                    "account at BANK");
  config_node banks = x.value;
  for (auto& b : banks.entries) {
    if (!b.value.is_scalar())
      throw config_error(b.value.pos, "with every:, balance is {BANK: AMOUNT}: each member's "
                                      "account at BANK");
    config_node per;
    per.kind = config_node::type::map;
    per.pos = b.value.pos;
    for (const auto& m : members)
      per.entries.push_back({m, b.value.pos, b.value});
    b.value = std::move(per);
  }
  return banks;
}

/// One `every:` expectation -> the expectations it stands for.
void expand_expectation(const config_node& item, const group_table& groups,
                        std::vector<config_node>& out, budget& b) {
  const auto* every = item.is_map() ? entry_of(item, "every") : nullptr;
  if (!every) {
    out.push_back(item);
    return;
  }
  const auto& members = members_of(groups, every->value, values_in(item), b);
  if (item.entries.size() != 2)
    throw config_error(item.pos, "an every: expectation is every: GROUP and one of outcome, "
                                 "balance, event or no_event");
  const auto& x = item.entries[item.entries[0].key == "every" ? 1 : 0];
  if (x.key == "outcome") {
    config_node per;
    per.kind = config_node::type::map;
    per.pos = x.value.pos;
    for (const auto& m : members)
      per.entries.push_back({m, x.key_pos, x.value});
    out.push_back(one_entry_map(x.key, x.key_pos, std::move(per), item.pos));
  } else if (x.key == "balance") {
    out.push_back(one_entry_map(x.key, x.key_pos, every_balance(x, members), item.pos));
  } else if (x.key == "event" || x.key == "no_event") {
    if (x.value.is_map() && x.value.find("who"))
      throw config_error(x.value.find("who")->pos, "with every:, who is each member; leave it out");
    for (const auto& m : members) {
      config_node v = x.value;
      if (v.is_map())
        v.entries.insert(v.entries.begin(),
                         {"who", x.key_pos, config_node::make_scalar(m, every->value.pos)});
      out.push_back(one_entry_map(x.key, x.key_pos, std::move(v), item.pos));
    }
  } else {
    throw config_error(x.key_pos, "every: applies to outcome, balance, event and no_event, not '" +
                                    x.key + "' (an invariant is about the whole run)");
  }
}

/// `placement: {clients: n3}` places every member of the group.
void expand_placement(config_node& placement, const group_table& groups, budget& b) {
  std::vector<config_entry> out;
  for (auto& e : placement.entries) {
    auto g = groups.find(e.key);
    if (g == groups.end()) {
      out.push_back(std::move(e));
      continue;
    }
    b.charge(g->second.size(), e.key_pos);
    for (const auto& m : g->second)
      out.push_back({m, e.key_pos, e.value});
  }
  placement.entries = std::move(out);
}

config_node* section(config_node& root, const std::string& key) {
  for (auto& e : root.entries)
    if (e.key == key)
      return &e.value;
  return nullptr;
}

} // namespace

std::string fill_template(const std::string& text, std::int64_t i, source_pos pos) {
  std::string out;
  for (std::size_t k = 0; k < text.size(); ++k) {
    char c = text[k];
    if ((c == '{' || c == '}') && k + 1 < text.size() && text[k + 1] == c) {
      out += c;
      ++k;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    auto close = text.find('}', k);
    if (close == std::string::npos)
      throw config_error(pos, "'{' opens no placeholder in '" + text + "' (write {{ for a brace)");
    auto spec = text.substr(k + 1, close - k - 1);
    auto number = std::to_string(i);
    bool padded = spec.size() >= 4 && spec.size() <= 5 && spec.compare(0, 3, "i:0") == 0 &&
                  std::isdigit(static_cast<unsigned char>(spec.back())) &&
                  std::isdigit(static_cast<unsigned char>(spec[spec.size() - 2]));
    if (spec == "i") {
      out += number;
    } else if (padded) {
      auto width = std::stoul(spec.substr(3));
      if (width < 1 || width > 20)
        throw config_error(pos, "placeholder '{" + spec + "}': the width must be 1..20");
      out += std::string(width > number.size() ? width - number.size() : 0, '0') + number;
    } else {
      throw config_error(pos, "unknown placeholder '{" + spec + "}' in '" + text +
                                "': write {i}, or {i:04} for the number zero-padded to 4 digits");
    }
    k = close;
  }
  return out;
}

group_table expand_groups(config_node& root) {
  group_table groups;
  if (!root.is_map())
    return groups;
  budget b;
  if (auto* p = section(root, "participants"))
    expand_participants(*p, groups, b);
  if (auto* steps = section(root, "steps"); steps && steps->is_list())
    for (auto& step : steps->items)
      if (step.is_map())
        expand_step(step, groups, b);
  if (auto* expect = section(root, "expect"); expect && expect->is_list()) {
    std::vector<config_node> items;
    for (const auto& item : expect->items)
      expand_expectation(item, groups, items, b);
    expect->items = std::move(items);
  }
  if (auto* placement = section(root, "placement"); placement && placement->is_map())
    expand_placement(*placement, groups, b);
  return groups;
}

} // namespace protobed
