// Sessions the attacker opens itself, or reads: the draws that compose.
// A forge alone is one packet; the attacks that a session check, a key on
// file or a signed receipt stop are two or three packets sharing a secret
// the attacker chose (a login with it, then an order under it) or read (a
// login opened with a stolen key, then a receipt under its secret).
#include "scenarios/explore/draw.hpp"

namespace protobed::explore::draw {

namespace {

/// A packet that opens a session under a secret its sender chooses (a
/// purchase login, a mail hello); records of the session derive their keys
/// from that secret and their direction.
bool opens_session(const message_schema* m) {
  return has_fields(m, {"session", "secret"}) && !has_fields(m, {"direction"}) &&
         m->field("secret")->type == "symmetric_key";
}

bool in_session(const message_schema* m) {
  return has_fields(m, {"session", "seq", "secret", "direction"});
}

/// An opener's hop and the record hops between the same two roles.
struct session_hops {
  const hop_choice* opener = nullptr;
  std::vector<const hop_choice*> out;  ///< records from the opener's side
  std::vector<const hop_choice*> back; ///< records from its receiver's side
};

std::vector<session_hops> sessions_in(const context& c) {
  std::vector<session_hops> out;
  for (const auto& h : c.hops) {
    if (!opens_session(schema_of(c.s, h.kind)) || h.receivers.empty())
      continue;
    session_hops s{&h, {}, {}};
    for (const auto& r : c.hops) {
      if (!in_session(schema_of(c.s, r.kind)))
        continue;
      if (r.from_role == h.from_role && r.to_role == h.to_role)
        s.out.push_back(&r);
      else if (r.from_role == h.to_role && r.to_role == h.from_role)
        s.back.push_back(&r);
    }
    if (!s.out.empty() || !s.back.empty())
      out.push_back(std::move(s));
  }
  return out;
}

std::string last_part(const std::string& name) {
  auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

const std::vector<std::string> keep_out = {"session", "secret", "direction", "seq", "key"};

} // namespace

/// A value for one field of a forged opener or record, or nothing (the
/// schema's default: fresh nonces, the attacker's signature, the recipient).
std::optional<config_node> session_value(const context& c, dice& d, const account& a,
                                         const field_doc& f) {
  const auto& values = c.s.explore.forge_values;
  if (allows(keep_out, f.name) || f.fallback == "to")
    return std::nullopt;
  if (f.type == "signer") {
    std::vector<std::string> keys;
    for (const auto& p : c.stolen)
      if (p != a.no_signer)
        keys.push_back(p);
    if (allows(values, "keys") && !keys.empty() && d.chance(60))
      return scalar_node(d.pick(keys));
    return std::nullopt;
  }
  if (f.type == "public_key") {
    if (!allows(values, "keys") || !d.chance(40))
      return std::nullopt;
    auto holders = c.key_holders;
    holders.push_back(c.attacker);
    return one("public_key", scalar_node(d.pick(holders)));
  }
  if (f.type == "amount") {
    if (last_part(f.name) == "time")
      return scalar_node(std::to_string(std::uint64_t{a.at_ms} * 1000000));
    if (allows(values, "extreme") && d.chance(25))
      return scalar_node(d.pick(extreme_integers));
    return scalar_node(std::to_string(d.between(1, 3)));
  }
  if (f.type == "bool")
    return scalar_node(d.chance(50) ? "true" : "false");
  if (f.type != "text")
    return std::nullopt;
  if (auto v = c.public_values.find(f.name); v != c.public_values.end() && !v->second.empty())
    return scalar_node(d.pick(v->second));
  if (!f.words.empty() && allows(values, "words"))
    return scalar_node(d.pick(f.words));
  if (auto v = a.credentials.find(last_part(f.name)); v != a.credentials.end())
    return scalar_node(v->second);
  if (!f.secret.empty())
    return std::nullopt; // a secret it does not know: left empty
  // Now and then someone else's name — not in an opener its signer vouches
  // for: a name there with a stolen key of that name is that participant
  // (the mail hello's sender).
  bool own = d.chance(80);
  return scalar_node(own || c.people.empty() || !a.no_signer.empty() ? a.who : d.pick(c.people));
}

config_node fields_of(const context& c, dice& d, const account& a, const std::string& kind,
                      config_node fields) {
  if (const auto* schema = schema_of(c.s, kind))
    for (const auto& f : schema->fields)
      if (!fields.find(f.name)) // what the caller set stays
        if (auto v = session_value(c, d, a, f))
          put(fields, f.name, std::move(*v));
  return fields;
}

config_node forge(const std::string& kind, const std::string& at, const std::string& from,
                  const std::string& to, config_node fields) {
  auto a = map_node();
  put(a, "kind", kind);
  put(a, "at", at);
  if (!from.empty())
    put(a, "from", from);
  put(a, "to", to);
  put(a, "fields", std::move(fields));
  return one("forge", std::move(a));
}

schedule_item action(config_node body) {
  return {schedule_item::part::action, std::move(body)};
}

std::string at(std::uint32_t ms) {
  return std::to_string(ms) + "ms";
}

namespace {

/// Whose account a session of its own is in: anyone who sends openers of
/// the kind (now and then anyone), with its password when phished (never
/// of one whose key is stolen), else with only its id.
account choose_account(const context& c, dice& d, const session_hops& s) {
  std::vector<std::string> phishable;
  for (const auto& [who, creds] : c.credentials)
    if (!allows(c.stolen, who) && creds.count("password"))
      phishable.push_back(who);
  account a;
  bool phished = allows(c.s.explore.forge_values, "phished") && !phishable.empty() && d.chance(50);
  if (phished)
    a.who = d.pick(phishable);
  else if (!s.opener->senders.empty() && d.chance(80))
    a.who = d.pick(s.opener->senders);
  else
    a.who = d.pick(c.people);
  if (auto creds = c.credentials.find(a.who); creds != c.credentials.end()) {
    a.credentials = creds->second;
    if (!phished)
      a.credentials.erase("password");
  }
  // Its key with its password, or with an opener its signature vouches
  // for, would be the participant itself.
  if (phished || schema_of(c.s, s.opener->kind)->field("sign_with"))
    a.no_signer = a.who;
  return a;
}

/// Its own session: the opener at a time before the horizon, in the name of
/// the account's participant or its own, with a session id and secret it
/// chose; then one or two records from its side under that secret, each
/// 0.2–3 s after the last.
std::vector<schedule_item> own_session(const context& c, dice& d, const session_hops& s) {
  const auto& opener = *schema_of(c.s, s.opener->kind);
  auto a = choose_account(c, d, s);
  auto to = d.pick(s.opener->receivers);
  auto from = d.chance(50) ? a.who : std::string{};
  auto base = map_node();
  put(base, "session", d.hex(opener.field("session")->fresh_size()));
  put(base, "secret", d.hex(opener.field("secret")->fresh_size()));
  a.at_ms = d.between(0, c.horizon_ms * 3 / 4);
  std::vector<schedule_item> out;
  out.push_back(
    action(forge(s.opener->kind, at(a.at_ms), from, to, fields_of(c, d, a, s.opener->kind, base))));
  if (s.out.empty())
    return out;
  auto records = d.between(1, 2);
  for (std::uint32_t i = 1; i <= records; ++i) {
    a.at_ms += d.between(200, 3000);
    const auto& kind = d.pick(s.out)->kind;
    auto f = base;
    put(f, "direction", "opener");
    put(f, "seq",
        allows(c.s.explore.forge_values, "extreme") && d.chance(15) ? d.pick(extreme_integers)
                                                                    : std::to_string(i));
    out.push_back(action(forge(kind, at(a.at_ms), from, to, fields_of(c, d, a, kind, f))));
  }
  return out;
}

/// `{observed: …}` of a field of the first opener on `link`.
config_node from_opener(const session_hops& s, const std::string& link, const char* field) {
  auto src = map_node();
  put(src, "link", link);
  put(src, "kind", s.opener->kind);
  put(src, "occurrence", "1");
  put(src, "field", field);
  return one("observed", std::move(src));
}

/// A session a participant opened, read with the stolen key of the
/// opener's receiver: one record forged under its secret, in either
/// direction, when the first record of the session crosses the link (or at
/// a time, for a session with records only the other way). Never signed by
/// the side it goes in the name of.
std::vector<schedule_item> their_session(const context& c, dice& d, const session_hops& s,
                                         const std::vector<std::string>& stolen_receivers) {
  account a;
  a.who = s.opener->senders.empty() ? d.pick(c.people) : d.pick(s.opener->senders);
  auto receiver = d.pick(stolen_receivers);
  if (auto creds = c.credentials.find(a.who); creds != c.credentials.end()) {
    a.credentials = creds->second;
    a.credentials.erase("password");
  }
  auto link = a.who + "->" + receiver;
  bool back = !s.back.empty() && (s.out.empty() || d.chance(60));
  const auto& kind = back ? d.pick(s.back)->kind : d.pick(s.out)->kind;
  auto from = back ? receiver : a.who, to = back ? a.who : receiver;
  a.no_signer = from;
  a.at_ms = d.between(0, c.horizon_ms);
  auto f = map_node();
  put(f, "session", from_opener(s, link, "session"));
  put(f, "secret", from_opener(s, link, "secret"));
  put(f, "direction", back ? "responder" : "opener");
  put(f, "seq", std::to_string(d.between(1, 3)));
  auto body = forge(kind, at(a.at_ms), from, to, fields_of(c, d, a, kind, f));
  if (!s.out.empty()) { // on the session's first record instead of at a time
    auto& m = body.entries.front().value;
    m.entries.erase(std::remove_if(m.entries.begin(), m.entries.end(),
                                   [](const config_entry& e) { return e.key == "at"; }),
                    m.entries.end());
    auto on = map_node();
    put(on, "link", link);
    put(on, "kind", d.pick(s.out)->kind);
    put(on, "occurrence", "1");
    put(m, "on", std::move(on));
  }
  return {action(std::move(body))};
}

/// The receivers of the opener whose key is stolen, when the opener's
/// secret is sealed for its receiver.
std::vector<std::string> stolen_receivers(const context& c, const session_hops& s) {
  std::vector<std::string> out;
  if (!sealed_for_someone(*schema_of(c.s, s.opener->kind)->field("secret")))
    return out;
  for (const auto& r : s.opener->receivers)
    if (allows(c.stolen, r))
      out.push_back(r);
  return out;
}

} // namespace

std::vector<schedule_item> draw_sessions(const context& c, std::uint64_t seed) {
  std::vector<schedule_item> out;
  // Sessions are forges: drawn only where forges may be.
  const auto& b = c.s.explore;
  if (b.max_actions == 0 || !allows(b.attacks, "forge"))
    return out;
  auto hops = sessions_in(c);
  auto channels = channels_in(c);
  auto enrolments = enrolments_in(c);
  if ((hops.empty() && channels.empty() && enrolments.empty()) || c.people.empty())
    return out;
  dice d(seed, "explore.session");
  auto n = d.between(c.s.explore.min_sessions, c.s.explore.max_sessions);
  // A session whose opener the stolen key opens is read more often than not.
  std::vector<session_hops> readable;
  for (const auto& s : hops)
    if (!stolen_receivers(c, s).empty())
      readable.push_back(s);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!enrolments.empty() && ((hops.empty() && channels.empty()) || d.chance(50))) {
      auto items = own_enrolment(c, d, d.pick(enrolments));
      out.insert(out.end(), items.begin(), items.end());
      continue;
    }
    if (!channels.empty() && (hops.empty() || d.chance(50))) {
      auto items = own_channel(c, d, d.pick(channels));
      out.insert(out.end(), items.begin(), items.end());
      continue;
    }
    bool read = !readable.empty() && d.chance(70);
    const auto& s = read ? d.pick(readable) : d.pick(hops);
    auto items = read ? their_session(c, d, s, stolen_receivers(c, s)) : own_session(c, d, s);
    out.insert(out.end(), items.begin(), items.end());
  }
  return out;
}

} // namespace protobed::explore::draw
