#include "actors/runtime/registry.hpp"

#include <set>
#include <stdexcept>

#include "actors/runtime/suggest.hpp"

namespace protobed {

void role_registry::add(role_info r) {
  roles_.push_back(std::move(r));
}

namespace {

std::string labelled(const std::string& label, const std::string& text) {
  return label.empty() ? text : label + ": " + text;
}

/// Checks `a` and then `b`; holds only if both hold. The report names what
/// each protocol's half saw (`a_label` is empty when `a` is already shared
/// and names its own halves).
invariant_info both(const invariant_info& a, const std::string& a_label, const invariant_info& b,
                    const std::string& b_label) {
  invariant_info out = a;
  out.meaning = labelled(a_label, a.meaning) + "; " + labelled(b_label, b.meaning);
  out.check = [a = a.check, b = b.check, a_label, b_label](const run_facts& f) {
    auto va = a(f), vb = b(f);
    if (!va.held)
      return verdict{false, labelled(a_label, va.observed)};
    if (!vb.held)
      return verdict{false, labelled(b_label, vb.observed)};
    return verdict{true, labelled(a_label, va.observed) + "; " + labelled(b_label, vb.observed)};
  };
  return out;
}

} // namespace

void role_registry::add_protocol(protocol_info p) {
  std::set<std::string> names;
  for (const auto& inv : p.invariants)
    if (!names.insert(inv.name).second)
      throw std::logic_error("invariant '" + inv.name + "' registered twice by " + p.name);
  for (const auto& inv : p.invariants) {
    if (auto s = shared_.find(inv.name); s != shared_.end()) {
      s->second = both(s->second, "", inv, p.name);
      continue;
    }
    for (const auto& q : protocols_)
      for (const auto& i : q.invariants)
        if (i.name == inv.name)
          shared_[inv.name] = both(i, q.name, inv, p.name);
  }
  protocols_.push_back(std::move(p));
}

const message_schema* role_registry::find_schema(const std::string& kind) const {
  for (const auto& s : schemas_)
    if (s.kind == kind)
      return &s;
  return nullptr;
}

const protocol_info* role_registry::find_protocol(const std::string& name) const {
  for (const auto& p : protocols_)
    if (p.name == name)
      return &p;
  return nullptr;
}

const protocol_info* role_registry::protocol_of(const role_info& role) const {
  return find_protocol(role.name.substr(0, role.name.find('.')));
}

const invariant_info* role_registry::find_invariant(const std::string& name) const {
  if (auto i = shared_.find(name); i != shared_.end())
    return &i->second;
  for (const auto& p : protocols_)
    for (const auto& inv : p.invariants)
      if (inv.name == name)
        return &inv;
  return nullptr;
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

bool role_registry::is_detection(const std::string& event_name) const {
  for (const auto& p : protocols_)
    if (p.hints.detections.count(event_name))
      return true;
  return ends_with(event_name, "Rejected") || ends_with(event_name, "Invalid") ||
         ends_with(event_name, "Refused");
}

bool role_registry::is_outcome(const std::string& event_name) const {
  for (const auto& p : protocols_)
    if (p.hints.outcomes.count(event_name))
      return true;
  return false;
}

const role_info* role_registry::find(const std::string& name) const {
  for (const auto& r : roles_)
    if (r.name == name)
      return &r;
  return nullptr;
}

std::vector<std::string> role_registry::names() const {
  std::vector<std::string> out;
  for (const auto& r : roles_)
    out.push_back(r.name);
  return out;
}

std::string participant_ref(const option_reader& opts, const std::string& option,
                            const directory& dir, const std::string& role) {
  const auto& node = opts.need(option);
  auto name = as_string(node, option);
  if (dir.role_of(name) == role)
    return name;
  std::vector<std::string> candidates;
  for (const auto& [n, r] : dir.participants())
    if (r == role)
      candidates.push_back(n);
  if (dir.has(name))
    throw config_error(node.pos,
                       option + " '" + name + "' is a " + dir.role_of(name) + ", not a " + role);
  throw config_error(node.pos, option + " names unknown participant '" + name + "'" +
                                 did_you_mean(name, candidates));
}

namespace {

/// Checks an argument's text against its declared type.
void check_arg(const option_doc& doc, const config_node& value) {
  if (doc.type == "duration")
    as_duration(value, doc.name);
  else if (doc.type == "amount")
    as_amount(value, doc.name);
  else if (doc.type == "count")
    as_count(value, doc.name);
  else if (doc.type == "bool")
    as_bool(value, doc.name);
  else
    as_string(value, doc.name);
}

const option_doc* find_arg(const command_doc& c, const std::string& name) {
  for (const auto& a : c.args)
    if (a.name == name)
      return &a;
  return nullptr;
}

} // namespace

command parse_command(const role_info& role, const std::string& verb, source_pos verb_pos,
                      const config_node& value) {
  const command_doc* doc = nullptr;
  std::vector<std::string> verbs;
  for (const auto& c : role.commands) {
    verbs.push_back(c.verb);
    if (c.verb == verb)
      doc = &c;
  }
  if (!doc)
    throw config_error(verb_pos, "role " + role.name + " has no command '" + verb + "'" +
                                   (verbs.empty() ? std::string(" (it takes no commands)")
                                                  : did_you_mean(verb, verbs)));
  command cmd{verb, {}};
  if (value.is_scalar()) {
    if (doc->primary.empty())
      throw config_error(value.pos, "command '" + verb + "' takes a map of arguments");
    check_arg(*find_arg(*doc, doc->primary), value);
    cmd.args[doc->primary] = value.scalar;
  } else if (value.is_map() || value.kind == config_node::type::null) {
    option_reader args(value, "command '" + verb + "'", doc->args);
    for (const auto& e : value.entries) {
      check_arg(*find_arg(*doc, e.key), e.value);
      cmd.args[e.key] = e.value.scalar;
    }
  } else {
    throw config_error(value.pos,
                       "command '" + verb + "' takes a value or a map, not " + value.type_name());
  }
  return cmd;
}

} // namespace protobed
