#include "scenarios/engine/starter.hpp"

#include <set>
#include <sstream>

namespace protobed {

namespace {

constexpr std::size_t width = 96;

/// `text` as comment lines starting with `indent` + "# ", wrapped at `width`.
std::string comment(const std::string& indent, const std::string& text) {
  std::string out, line = indent + "#";
  std::istringstream words(text);
  std::string w;
  while (words >> w) {
    if (line.size() + 1 + w.size() > width && line.size() > indent.size() + 1) {
      out += line + "\n";
      line = indent + "#";
    }
    line += " " + w;
  }
  return out + line + "\n";
}

const option_doc* doc_of(const role_info& r, const std::string& option) {
  for (const auto& o : r.options)
    if (o.name == option)
      return &o;
  return nullptr;
}

std::string optional_ones(const role_info& r, const starter_def::participant& p) {
  std::string out;
  for (const auto& o : r.options) {
    bool given = false;
    for (const auto& [k, v] : p.options)
      given = given || k == o.name;
    if (!given && !o.fallback.empty())
      out += (out.empty() ? "" : ", ") + o.name + " (" + o.fallback + ")";
  }
  return out;
}

/// A participant; its role's docs only the first time the role appears.
void write_participant(std::ostream& y, const starter_def::participant& p,
                       const role_registry& roles, bool first_of_role) {
  const auto* r = first_of_role ? roles.find(p.role) : nullptr;
  y << "\n" << (r ? comment("  ", p.role + ": " + r->summary) : "  # another " + p.role + "\n");
  y << "  " << p.name << ":\n    role: " << p.role << "\n";
  for (const auto& [k, v] : p.options) {
    if (const auto* d = r ? doc_of(*r, k) : nullptr)
      y << comment("    ", d->doc + " [" + d->type + "]");
    y << "    " << k << ":" << (v.rfind("\n", 0) == 0 ? "" : " ") << v << "\n";
  }
  if (auto more = r ? optional_ones(*r, p) : std::string{}; !more.empty())
    y << comment("    ", "optional, with their defaults: " + more);
}

void write_steps(std::ostream& y, const starter_def& s, const role_registry& roles) {
  y << "\n# What happens, at virtual times: {at: TIME, PARTICIPANT: {COMMAND: ARGS}}.\nsteps:\n";
  std::set<std::string> explained; // each command's doc once
  for (const auto& st : s.steps) {
    std::string role;
    for (const auto& p : s.participants)
      if (p.name == st.who)
        role = p.role;
    if (const auto* r = roles.find(role))
      for (const auto& c : r->commands)
        if (c.verb == st.verb && explained.insert(role + " " + c.verb).second)
          y << comment("  ", st.verb + ": " + c.doc);
    y << "  - {at: " << st.at << ", " << st.who << ": {" << st.verb << ": " << st.args << "}}\n";
  }
}

void write_expect(std::ostream& y, const protocol_info& p, const starter_def& s) {
  y << "\n# What must be true at the end; 'protobed run' checks each and says why one failed.\n"
       "expect:\n";
  if (p.transaction && !s.steps.empty()) {
    const auto& t = *p.transaction;
    y << comment("  ", "the transaction ended well: " + s.steps.back().who + "'s " + t.end +
                         " says " + t.outcome + ": " + t.success);
    y << "  - event: {who: " << s.steps.back().who << ", name: " << t.end << ", details: {"
      << t.outcome << ": " << t.success << "}}\n";
  }
  y << comment("  ", "the " + p.name + " protocol's invariants ('protobed list' explains each):");
  for (const auto& inv : p.invariants)
    y << "  - invariant: " << inv.name << "\n";
}

} // namespace

std::string starter_text(const protocol_info& p, const role_registry& roles) {
  const auto& s = *p.starter;
  std::ostringstream y;
  y << comment("", p.name + " — " + p.summary);
  y << "# Written by 'protobed new " << p.name << "'. Run it:  protobed run THIS_FILE\n"
    << "# -v shows each event as it happens; docs/scenario-format.md describes every key.\n\n"
    << "scenario: " << p.name << "-starter\n"
    << "description: \"" << s.description << "\"\n"
    << "seed: 1   # the same seed gives the same run, byte for byte\n\n"
    << "# Who takes part: NAME: {role: ROLE, OPTION: VALUE, ...}. Many alike:\n"
    << "# NAME: {group: 100, name: \"c{i:03}\", role: ..., phone: \"+4070{i:07}\"}.\n"
    << "participants:";
  std::set<std::string> roles_seen;
  for (const auto& part : s.participants)
    write_participant(y, part, roles, roles_seen.insert(part.role).second);
  write_steps(y, s, roles);
  write_expect(y, p, s);
  return y.str();
}

} // namespace protobed
