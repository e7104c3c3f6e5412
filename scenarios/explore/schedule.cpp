#include "scenarios/explore/schedule.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "crypto/rng.hpp"
#include "crypto/signature.hpp"
#include "scenarios/explore/draw.hpp"
#include "scenarios/explore/yaml_writer.hpp"

namespace protobed::explore {

using namespace draw;

namespace {

std::uint32_t horizon_ms(const scenario& s) {
  if (s.explore.horizon)
    return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(*s.explore.horizon).count());
  sim_time last{0};
  for (const auto& st : s.steps)
    last = std::max(last, st.at);
  return static_cast<std::uint32_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(last).count() + 10000);
}

/// Which packets a packet fault applies to: one hop's kind, or any; now and
/// then only towards one participant.
void packet_filter(context& c, config_node& f) {
  if (!c.hops.empty() && c.d.chance(60)) {
    const auto& h = c.d.pick(c.hops);
    put(f, "kind", h.kind);
    if (!h.receivers.empty() && c.d.chance(30))
      put(f, "to", c.d.pick(h.receivers));
  }
}

config_node packet_fault(context& c, const std::string& type) {
  auto f = map_node();
  packet_filter(c, f);
  put(f, "probability", c.d.probability(c.s.explore.max_probability));
  if (c.d.chance(25))
    put(f, "count", std::to_string(c.d.between(1, 3)));
  if (type == "drop" && c.d.chance(50))
    put(f, "burst", std::to_string(c.d.between(2, 4)));
  if (type == "delay") {
    put(f, "by", c.d.ms(0, 1500));
    if (c.d.chance(50))
      put(f, "jitter", c.d.ms(1, 500));
  }
  if (type == "duplicate") {
    put(f, "copies", std::to_string(c.d.between(1, 2)));
    put(f, "spacing", c.d.ms(0, 500));
  }
  if (type == "reorder")
    put(f, "hold", c.d.ms(100, 2000));
  if (type == "corrupt")
    put(f, "bytes", std::to_string(c.d.between(1, 3)));
  return f;
}

config_node window_fault(context& c, const std::string& type) {
  auto f = map_node();
  const auto& who = c.d.pick(c.downable);
  auto start = c.d.between(0, c.horizon_ms);
  auto end = std::to_string(start + c.d.between(200, 8000)) + "ms";
  if (type == "partition") {
    auto side = list_node();
    side.items.push_back(scalar_node(who));
    put(f, "participants", std::move(side));
    put(f, "from", std::to_string(start) + "ms");
    put(f, "until", end);
  } else if (type == "offline") {
    put(f, "participant", who);
    put(f, "from", std::to_string(start) + "ms");
    put(f, "until", end);
  } else {
    put(f, "participant", who);
    put(f, "at", std::to_string(start) + "ms");
    if (c.d.chance(85))
      put(f, "restart", end);
    // Against the role's default, now and then: a role that loses its
    // state keeps it, and a durable role whose disk is apart from its
    // memory loses the memory (what is on disk, it finds again). Another
    // durable role keeps it all: its `state: lost` is a lost disk.
    const auto& role = *c.s.find(who)->role;
    if (!role.durable && c.d.chance(30))
      put(f, "state", "kept");
    else if (role.durable && role.disk_apart && c.d.chance(30))
      put(f, "state", "lost");
  }
  return f;
}

std::optional<schedule_item> draw_fault(context& c) {
  std::vector<std::string> kinds;
  for (const auto& k : c.s.explore.fault_kinds) {
    bool needs_participant = k == "partition" || k == "offline" || k == "crash";
    if (!needs_participant || !c.downable.empty())
      kinds.push_back(k);
  }
  if (kinds.empty())
    return std::nullopt;
  const auto& type = c.d.pick(kinds);
  bool timed = type == "partition" || type == "offline" || type == "crash";
  return schedule_item{schedule_item::part::fault,
                       one(type, timed ? window_fault(c, type) : packet_fault(c, type))};
}

/// Which packets an action takes. Replays, injections and forgeries may take
/// every packet of the kind; a drop or tamper takes one, because one that
/// takes every packet on a link only shows that an attacker who cuts a link
/// stops what crosses it.
config_node match_of(context& c, const hop_choice& h, bool may_take_all) {
  auto m = map_node();
  put(m, "link", link_of(c, h));
  put(m, "kind", h.kind);
  // The first packet of the kind half the time, every one a quarter, else a later one.
  auto roll = c.d.between(0, 3);
  if (roll <= 1 || (roll == 2 && !may_take_all))
    put(m, "occurrence", "1");
  else if (roll == 3)
    put(m, "occurrence", std::to_string(c.d.between(2, 3)));
  return m;
}

/// In whose name a forge goes: a sender of its kind twice as often as any
/// participant or the receiver of the packet it answers (of those allowed).
std::string forge_mode(context& c) {
  std::vector<std::string> modes;
  for (const auto& [mode, weight] :
       std::vector<std::pair<std::string, int>>{{"sender", 2}, {"anyone", 1}, {"receiver", 1}})
    if (allows(c.s.explore.forge_as, mode))
      modes.insert(modes.end(), static_cast<std::size_t>(weight), mode);
  return modes.empty() ? std::string("sender") : c.d.pick(modes);
}

/// What the receiver of a packet of hop `h` could send back to its sender:
/// a hop the other way between the same roles, else any hop towards the
/// sender's role, else `h` itself (reflected).
const hop_choice& answer_to(context& c, const hop_choice& h) {
  std::vector<const hop_choice*> back, towards;
  for (const auto& r : c.hops) {
    if (r.to_role != h.from_role)
      continue;
    towards.push_back(&r);
    if (r.from_role == h.to_role)
      back.push_back(&r);
  }
  const auto& pool = !back.empty() ? back : towards;
  return pool.empty() ? h : *c.d.pick(pool);
}

/// `from:` and `to:` of a forge on `link` ("sender->receiver", "*" for a
/// side nobody plays).
void address_forge(context& c, const std::string& mode, const hop_choice& h,
                   const std::string& link, config_node& a) {
  if (mode == "receiver") {
    auto arrow = link.find("->");
    auto sender = link.substr(0, arrow), receiver = link.substr(arrow + 2);
    if (receiver != "*")
      put(a, "from", receiver);
    if (sender != "*")
      put(a, "to", sender);
    return;
  }
  std::string to = h.receivers.empty() ? std::string{} : c.d.pick(h.receivers);
  if (mode == "anyone") {
    std::vector<std::string> others;
    for (const auto& p : c.people)
      if (p != to)
        others.push_back(p);
    if (!others.empty())
      put(a, "from", c.d.pick(others));
  } else if (!h.senders.empty()) {
    put(a, "from", c.d.pick(h.senders));
  }
  if (!to.empty())
    put(a, "to", to);
}

/// `{observed: {link, kind, occurrence, field}}`: a bytes field of a packet
/// of any hop, copied whole (the attacker taps that link too).
std::optional<config_node> observed_source(context& c) {
  if (c.opaque.empty())
    return std::nullopt;
  const auto& o = c.d.pick(c.opaque);
  auto src = map_node();
  // The hop's own link, as for every action: "*->bob" would also tap the
  // SMS that brings bob his codes, which is no link of the protocol's.
  put(src, "link", link_of(c, *o.hop));
  put(src, "kind", o.hop->kind);
  put(src, "occurrence", std::to_string(c.d.chance(70) ? 1 : c.d.between(2, 3)));
  put(src, "field", o.field);
  return one("observed", std::move(src));
}

/// Whom a packet is sealed for (`seal_for`): anyone with a key (the attacker
/// can seal for anyone), always when the schema has no default for it, else
/// now and then (`keys`); otherwise the schema's default (the recipient).
std::optional<config_node> recipient_value(context& c, const field_doc& f, bool keys) {
  bool required = f.fallback.empty();
  if (c.key_holders.empty() || !(required || (keys && c.d.chance(20))))
    return std::nullopt;
  return scalar_node(c.d.pick(c.key_holders));
}

/// A value of its own for a field the build cannot do without and that it
/// cannot read: a participant's name for text, fresh bytes and keys, anyone's
/// public key, an extreme integer.
std::optional<config_node> own_value(context& c, const field_doc& f) {
  if (f.type == "amount")
    return scalar_node(allows(c.s.explore.forge_values, "extreme") ? c.d.pick(extreme_integers)
                                                                   : std::string("1"));
  if (f.type == "bool")
    return scalar_node(c.d.chance(50) ? "true" : "false");
  if (f.type == "bytes" || f.type == "symmetric_key")
    return one("fresh", scalar_node("true"));
  if (f.type == "public_key" && !c.key_holders.empty())
    return one("public_key", scalar_node(c.d.pick(c.key_holders)));
  if (f.type == "text" && !f.words.empty() && allows(c.s.explore.forge_values, "words"))
    return scalar_node(c.d.pick(f.words));
  if (f.type == "text" && !c.people.empty())
    return scalar_node(c.d.pick(c.people));
  return std::nullopt;
}

/// Whether a build fails without a value for the field: it has no default,
/// or its default (empty) is no integer.
bool needs_value(const field_doc& f) {
  return f.fallback.empty() || (f.fallback == "empty" && f.type == "amount");
}

/// `{matched: NAME}` from the packet it answers, when the attacker may read
/// that field there (a field it cannot read fails the whole forge): in the
/// clear, or sealed for someone whose key the schedule stole. A field the
/// build cannot do without is copied when it can be read, else made up
/// (own_value).
std::optional<config_node> matched_value(context& c, const field_doc& f,
                                         const message_schema* matched) {
  const auto* there = matched ? matched->field(f.name) : nullptr;
  bool readable = there && (in_clear(*there) || (!c.stolen.empty() && sealed_for_someone(*there)));
  if (readable && allows(c.s.explore.forge_values, "matched") &&
      c.d.chance(needs_value(f) ? 100 : 60))
    return one("matched", scalar_node(f.name));
  return needs_value(f) ? own_value(c, f) : std::nullopt;
}

/// One field of a forge, or nothing (the schema's default: fresh nonces,
/// its own key, the recipient as seal_for). Who signs and whom it is sealed
/// for are no values on the wire: they are never copied from a packet.
std::optional<config_node> field_value(context& c, const field_doc& f,
                                       const message_schema* matched) {
  const auto& values = c.s.explore.forge_values;
  bool keys = allows(values, "keys");
  if (f.type == "signer")
    return keys && !c.stolen.empty() && c.d.chance(50)
             ? std::optional<config_node>(scalar_node(c.d.pick(c.stolen)))
             : std::nullopt;
  if (f.type == "recipient")
    return recipient_value(c, f, keys);
  if (f.type == "amount" && allows(values, "extreme") && c.d.chance(30))
    return scalar_node(c.d.pick(extreme_integers));
  if (!f.words.empty() && allows(values, "words") && c.d.chance(30))
    return scalar_node(c.d.pick(f.words));
  if (f.type == "public_key" && keys && !c.key_holders.empty() && c.d.chance(20))
    return one("public_key", scalar_node(c.d.pick(c.key_holders)));
  if (f.type == "bytes" && allows(values, "observed") && c.d.chance(20))
    if (auto src = observed_source(c))
      return src;
  return matched_value(c, f, matched);
}

/// A packet built by the attacker each time it sees one of the hop's kind:
/// of that kind in a sender's name (or anyone's) to a receiver, or of a kind
/// the receiver sends back, in the receiver's name to the sender. Its fields
/// are copied from the packet it sees, from one it observed, extreme
/// integers, signed with a key it stole, or left to the schema's defaults.
config_node forge_action(context& c, const hop_choice& h) {
  auto a = map_node();
  auto mode = forge_mode(c);
  const auto& made = mode == "receiver" ? answer_to(c, h) : h;
  put(a, "kind", made.kind);
  auto on = match_of(c, h, true);
  auto link = on.find("link")->scalar;
  put(a, "on", on);
  address_forge(c, mode, h, link, a);
  auto fields = map_node();
  if (const auto* schema = schema_of(c.s, made.kind))
    for (const auto& f : schema->fields)
      if (auto v = field_value(c, f, schema_of(c.s, h.kind)))
        put(fields, f.name, std::move(*v));
  if (!fields.entries.empty())
    put(a, "fields", std::move(fields));
  return a;
}

/// A protocol's own forgers (forger: impersonate, substitute_key), on one
/// packet of the hop: an answer in its receiver's name, signed with the
/// attacker's key or one it stole, now and then with an amount it chose;
/// or the packet re-sealed with the attacker's key in it. A kind no forger
/// takes fails the action (AttackActionFailed), harmlessly.
config_node forger_action(context& c, const std::string& type, const hop_choice& h) {
  auto a = match_of(c, h, false);
  if (type == "substitute_key")
    return a;
  auto link = a.find("link")->scalar;
  auto as = link.substr(link.find("->") + 2);
  put(a, "as", as);
  std::vector<std::string> keys;
  for (const auto& p : c.stolen)
    if (p != as)
      keys.push_back(p);
  // Signed with the key of the one it answers as, now and then: with that
  // key the attacker *is* the receiver — a dishonest merchant quoting what it
  // likes — and what its peer accepts from it is the peer's own checks'
  // business (a client's agreed price), not the protocol's authentication.
  if (allows(c.stolen, as) && c.d.chance(40))
    put(a, "sign_with", as);
  else if (!keys.empty() && c.d.chance(50))
    put(a, "sign_with", c.d.pick(keys));
  if (c.d.chance(50)) {
    auto fields = map_node();
    put(fields, "amount", draw::amount_or_extreme(c, c.d, 30, 1, 100));
    put(a, "fields", std::move(fields));
  }
  return a;
}

config_node attack_action(context& c, const std::string& type, const hop_choice& h) {
  if (type == "forge")
    return forge_action(c, h);
  if (type == "impersonate" || type == "substitute_key")
    return forger_action(c, type, h);
  if (type == "inject") {
    auto a = map_node();
    put(a, "at", c.d.ms(0, c.horizon_ms));
    put(a, "copy_of", match_of(c, h, true));
    if (h.receivers.size() > 1 && c.d.chance(30))
      put(a, "to", c.d.pick(h.receivers));
    return a;
  }
  auto a = match_of(c, h, type == "replay");
  if (type == "replay") {
    put(a, "after", c.d.ms(0, 2000));
    put(a, "times", std::to_string(c.d.between(1, 2)));
    if (h.receivers.size() > 1 && c.d.chance(30))
      put(a, "to", c.d.pick(h.receivers));
  }
  if (type == "tamper")
    put(a, "random", "true");
  if (type == "delay") // held past a freshness window, a timeout, an expiry
    put(a, "by", c.d.ms(500, 60000));
  return a;
}

schedule_item draw_action(context& c) {
  const auto& type = c.d.pick(c.s.explore.attacks);
  const auto& hop = c.d.pick(c.hops);
  return {schedule_item::part::action, one(type, attack_action(c, type, hop))};
}

} // namespace

std::string schedule_item::describe() const {
  const char* what = where == part::fault ? "fault " : where == part::action ? "action " : "step ";
  return what + to_flow(body);
}

std::size_t schedule::faults() const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](const auto& i) {
    return i.where == schedule_item::part::fault;
  }));
}

std::size_t schedule::actions() const {
  return items.size() - faults();
}

std::vector<hop_choice> hops_in(const scenario& s) {
  std::set<std::string> kinds;
  for (const auto& p : s.participants)
    kinds.insert(p.role->kinds.begin(), p.role->kinds.end());
  auto players = [&](const std::string& role) {
    std::vector<std::string> out;
    for (const auto& p : s.participants)
      if (p.role->name == role)
        out.push_back(p.name);
    return out;
  };
  std::vector<hop_choice> out;
  for (const auto& proto : s.registry().protocols())
    for (const auto& h : proto.hops)
      if (kinds.count(h.kind))
        out.push_back({h.kind, h.from_role, h.to_role, players(h.from_role), players(h.to_role)});
  return out;
}

namespace {

/// Readable bytes fields of every hop's kind: in the clear, or an opaque
/// envelope carried whole.
std::vector<opaque_field> opaque_fields(const scenario& s, const std::vector<hop_choice>& hops) {
  std::vector<opaque_field> out;
  for (const auto& h : hops)
    if (const auto* schema = schema_of(s, h.kind))
      for (const auto& f : schema->fields)
        if (f.type == "bytes" && in_clear(f))
          out.push_back({&h, f.name});
  return out;
}

/// `compromise: {at, participant}` of participants with a long-term key,
/// each at most once, in the first half of the horizon (so that forges after
/// it may sign with the key). The signature scheme first, then one who signs
/// with it: a protocol whose participants sign with RSA-PSS or DSA has its
/// forges signed in the name of both as often. From a stream of their own.
std::vector<schedule_item> draw_compromises(context& c, std::uint64_t seed) {
  dice d(seed, "explore.compromise");
  std::vector<schedule_item> out;
  auto n = d.between(c.s.explore.min_compromises, c.s.explore.max_compromises);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::map<std::string, std::vector<std::string>> left; // scheme -> who
    for (const auto& p : c.key_holders)
      if (!allows(c.stolen, p))
        left[c.scheme_of[p]].push_back(p);
    if (left.empty())
      break;
    std::vector<const std::vector<std::string>*> schemes;
    for (const auto& [scheme, who] : left)
      schemes.push_back(&who);
    auto who = d.pick(*d.pick(schemes));
    auto a = map_node();
    put(a, "at", d.ms(0, c.horizon_ms / 2));
    put(a, "participant", who);
    c.stolen.push_back(who);
    out.push_back({schedule_item::part::action, one("compromise", std::move(a))});
  }
  return out;
}

} // namespace

schedule draw_schedule(const scenario& s, std::uint64_t seed) {
  dice d(seed, "explore.schedule");
  context c{s, hops_in(s), {}, {}, {}, {}, {}, {}, horizon_ms(s), d};
  c.opaque = opaque_fields(s, c.hops);
  for (const auto& p : s.participants) {
    if (p.role->name == "attacker")
      continue;
    c.people.push_back(p.name);
    if (p.role->long_term_key) {
      c.key_holders.push_back(p.name);
      auto scheme =
        p.role->signature ? p.role->signature(p.config) : crypto::signature_scheme::rsa_pss;
      c.scheme_of[p.name] = crypto::to_string(scheme);
    }
    if (!allows(s.explore.always_up, p.name))
      c.downable.push_back(p.name);
  }
  c.attacker = attacker_name(s);
  for (const auto& p : s.participants) {
    if (p.role->public_values)
      for (const auto& [field, values] : p.role->public_values(p.config))
        for (const auto& v : values)
          if (!allows(c.public_values[field], v))
            c.public_values[field].push_back(v);
    if (p.role->credentials)
      c.credentials[p.name] = p.role->credentials(p.config, p.name);
  }
  for (const auto& st : s.steps)
    for (const auto& [arg, value] : st.cmd.args)
      if (value != st.who && allows(c.people, value))
        c.talks.push_back(
          {st.who, value,
           static_cast<std::uint32_t>(
             std::chrono::duration_cast<std::chrono::milliseconds>(st.at).count())});
  auto stolen = draw_compromises(c, seed);
  schedule out;
  auto faults = d.between(s.explore.min_faults, s.explore.max_faults);
  auto actions = c.hops.empty() ? 0 : d.between(s.explore.min_actions, s.explore.max_actions);
  for (std::uint32_t i = 0; i < faults; ++i)
    if (auto f = draw_fault(c))
      out.items.push_back(std::move(*f));
  std::vector<schedule_item> drawn;
  for (std::uint32_t i = 0; i < actions; ++i)
    drawn.push_back(draw_action(c));
  auto sessions = draw_sessions(c, seed);
  drawn.insert(drawn.end(), sessions.begin(), sessions.end());
  auto insiders = draw_insiders(c, seed);
  drawn.insert(drawn.end(), insiders.begin(), insiders.end());
  auto floods = draw_floods(c, seed);
  drawn.insert(drawn.end(), floods.begin(), floods.end());
  // Keys are handed over only to a schedule that forges: nothing else uses them.
  bool forges = std::any_of(drawn.begin(), drawn.end(), [](const schedule_item& i) {
    return i.type() == "forge" || i.type() == "impersonate" || i.type() == "substitute_key";
  });
  if (forges)
    out.items.insert(out.items.end(), stolen.begin(), stolen.end());
  out.items.insert(out.items.end(), drawn.begin(), drawn.end());
  // A dishonest receiver brings its own compromise (the one of its key, if
  // the schedule already has one, goes: a key is handed over once) and hands
  // over no other key.
  for (auto& i : draw_dishonest(c, seed)) {
    auto compromised = [&](const schedule_item& o) {
      return o.type() == "compromise" && i.type() == "compromise" &&
             o.body.entries.front().value.find("participant")->scalar ==
               i.body.entries.front().value.find("participant")->scalar;
    };
    if (std::none_of(out.items.begin(), out.items.end(), compromised))
      out.items.push_back(std::move(i));
  }
  return out;
}

std::string attacker_name(const scenario& s) {
  std::string name = "mallory";
  for (int i = 2; s.find(name); ++i)
    name = "mallory" + std::to_string(i);
  return name;
}

} // namespace protobed::explore
