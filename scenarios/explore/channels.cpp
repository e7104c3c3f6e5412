// Channels of the attacker's own. Where a handshake's opener carries an
// ephemeral secret its sender chooses and a long-term signature (micropay's
// hello to the server, dial to a peer), the attacker builds one: signed with
// a key it stole (or its own), carrying that key's owner's card, in the
// owner's name or another's. The receiver answers; the attacker, holding the
// ephemeral secret, reads the channel keys off the answer as the real
// initiator would, and forges records in the channel when the answer
// crosses. What the receiver then sends in the channel the attacker reads.
#include "scenarios/explore/draw.hpp"

namespace protobed::explore::draw {

namespace {

bool opens_channel(const message_schema* m) {
  return has_fields(m, {"channel", "ephemeral_secret", "sign_with"}) &&
         !has_fields(m, {"initiator_ephemeral"});
}

bool answers_channel(const message_schema* m) {
  return has_fields(m, {"channel", "initiator_ephemeral", "key_to_responder"});
}

bool in_channel(const message_schema* m) {
  return has_fields(m, {"channel", "channel_key", "seq"});
}

/// `{observed: {link, kind, occurrence: 1, field}}`.
config_node observed(const std::string& link, const std::string& kind, const std::string& field) {
  auto src = map_node();
  put(src, "link", link);
  put(src, "kind", kind);
  put(src, "occurrence", "1");
  put(src, "field", field);
  return one("observed", std::move(src));
}

config_node matched(const std::string& field) {
  return one("matched", scalar_node(field));
}

/// Who the channel is opened to and in whose name: now and then a pair the
/// scenario's steps have talk (the receiver will send to that name over the
/// channel it finds), else any.
struct ends {
  std::string from, to;
  std::uint32_t at_ms = 0;
};

ends choose_ends(const context& c, dice& d, const hop_choice& opener) {
  std::vector<const context::talk*> pairs;
  for (const auto& t : c.talks)
    if (allows(opener.receivers, t.who) && allows(opener.senders, t.to))
      pairs.push_back(&t);
  ends e;
  if (!pairs.empty() && d.chance(60)) {
    const auto& t = *d.pick(pairs);
    e = {t.to, t.who, d.between(0, t.at_ms)};
    return e;
  }
  e.to = d.pick(opener.receivers);
  e.from = opener.senders.empty() || d.chance(20) ? std::string{} : d.pick(opener.senders);
  e.at_ms = d.between(0, c.horizon_ms * 3 / 4);
  return e;
}

/// The opener's fields: the signer (a stolen key, or the attacker's own),
/// the signer's card copied from its own first opener of the kind, the time.
/// Never a channel in the name of the stolen key's owner: that would be the
/// owner itself (its key is all the handshake asks for), not a hole.
config_node opener_fields(const context& c, dice& d, const channel_hops& h, const ends& e) {
  const auto& schema = *schema_of(c.s, h.opener->kind);
  auto f = map_node();
  std::vector<std::string> keys;
  for (const auto& p : c.stolen)
    if (p != e.from)
      keys.push_back(p);
  std::string signer;
  if (!keys.empty() && d.chance(80))
    signer = d.pick(keys);
  if (!signer.empty())
    put(f, "sign_with", signer);
  for (const auto& doc : schema.fields) {
    if (doc.name == "time")
      put(f, "time", std::to_string(std::uint64_t{e.at_ms} * 1000000));
    else if (doc.name == "card" && !signer.empty())
      put(f, "card", observed(signer + "->*", h.opener->kind, "card"));
  }
  return f;
}

/// Text fields of a record filled as an insider of the sender's role would
/// (role_info::insider_commands whose arguments are named like the field),
/// in the name the channel was opened in.
void insider_text(const context& c, dice& d, const std::string& kind, const std::string& self,
                  config_node& fields) {
  const auto* schema = schema_of(c.s, kind);
  const auto* p = c.s.find(self);
  if (!schema || !p)
    return;
  for (const auto& doc : schema->fields)
    for (const auto& cmd : p->role->insider_commands)
      if (auto arg = cmd.args.find(doc.name); arg != cmd.args.end() && d.chance(70)) {
        auto other = d.pick(c.people);
        auto text = replaced(replaced(arg->second, "{self}", self), "{other}", other);
        put(fields, doc.name, replaced(text, "{amount}", std::to_string(d.between(1, 60))));
        break;
      }
}

} // namespace

std::vector<channel_hops> channels_in(const context& c) {
  std::vector<channel_hops> out;
  for (const auto& h : c.hops) {
    if (!opens_channel(schema_of(c.s, h.kind)) || h.receivers.empty())
      continue;
    channel_hops ch{&h, nullptr, {}};
    for (const auto& r : c.hops) {
      bool back = r.from_role == h.to_role && r.to_role == h.from_role;
      bool out_way = r.from_role == h.from_role && r.to_role == h.to_role;
      if (back && answers_channel(schema_of(c.s, r.kind)))
        ch.answer = &r;
      else if (out_way && in_channel(schema_of(c.s, r.kind)))
        ch.records.push_back(&r);
    }
    if (ch.answer)
      out.push_back(std::move(ch));
  }
  return out;
}

std::vector<schedule_item> own_channel(const context& c, dice& d, const channel_hops& h) {
  auto e = choose_ends(c, d, *h.opener);
  std::vector<schedule_item> out;
  out.push_back(
    action(forge(h.opener->kind, at(e.at_ms), e.from, e.to, opener_fields(c, d, h, e))));
  if (h.records.empty() || d.chance(30))
    return out; // the channel alone: what the receiver sends in it is read
  auto name = e.from.empty() ? c.attacker : e.from;
  account a{name, {}, {}, e.at_ms};
  auto records = d.between(1, 2);
  for (std::uint32_t i = 1; i <= records; ++i) {
    const auto& kind = d.pick(h.records)->kind;
    auto f = map_node();
    put(f, "channel", matched("channel"));
    put(f, "channel_key", matched("key_to_responder"));
    put(f, "seq", std::to_string(i));
    insider_text(c, d, kind, name, f);
    auto body = forge(kind, at(0), "", "", fields_of(c, d, a, kind, std::move(f)));
    auto& m = body.entries.front().value; // sent when the answer crosses, to its sender
    m.entries.erase(
      std::remove_if(m.entries.begin(), m.entries.end(),
                     [](const config_entry& x) { return x.key == "at" || x.key == "to"; }),
      m.entries.end());
    auto on = map_node();
    put(on, "link", e.to + "->" + name);
    put(on, "kind", h.answer->kind);
    put(m, "on", std::move(on));
    out.push_back(action(std::move(body)));
  }
  return out;
}

} // namespace protobed::explore::draw
