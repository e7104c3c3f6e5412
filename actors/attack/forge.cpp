// `forge:` — the attacker builds a packet of any kind field by field from
// what it knows: literals, fields of packets it recorded (if it can read
// them), fields of the packet it answers, fresh values, its own keys, keys it
// stole, and every public key. What it cannot know is an AttackActionFailed
// naming the missing term.
#include "actors/attack/attacker.hpp"

namespace protobed::attack {

const message_schema* attacker::schema_of(const std::string& kind) const {
  if (schemas_)
    for (const auto& s : *schemas_)
      if (s.kind == kind)
        return &s;
  return nullptr;
}

void attacker::fail(const char* action, const std::string& why, context& ctx) {
  ctx.emit("AttackActionFailed", {{"action", action}, {"reason", why}});
}

field_values attacker::read(const packet& p, context& ctx, const knowledge* with) const {
  const auto* s = schema_of(p.kind);
  if (!s)
    return {};
  return s->read(p.bytes, term_store{with ? *with : known_, dir_, ctx.rng()});
}

crypto::result<std::string> attacker::resolve(const std::string& name, const field_source& src,
                                              const packet* matched, context& ctx,
                                              const knowledge* with) {
  auto missing = [&](const std::string& why) {
    return crypto::make_error(crypto::errc::invalid_argument, why);
  };
  const packet* from = matched;
  switch (src.type) {
    case field_source::from::literal:
      return src.value;
    case field_source::from::public_key: {
      // Every public key is a term anyone holds (the directory is public).
      const auto* key = dir_.public_key(src.value);
      if (!key)
        return missing(src.value + " has no public key");
      return crypto::to_hex(key->to_der());
    }
    case field_source::from::fresh:
      return crypto::to_hex(ctx.rng().generate(name.find("key") != std::string::npos ? 32 : 16));
    case field_source::from::observed: {
      std::uint64_t seen = 0;
      from = nullptr;
      for (const auto& r : recorded_)
        if (src.observed.on.matches(r) && ++seen == src.observed.occurrence) {
          from = &r;
          break;
        }
      if (!from)
        return missing("nothing recorded matches " + src.observed.on.describe() + " #" +
                       std::to_string(src.observed.occurrence));
      break;
    }
    case field_source::from::matched:
      if (!from)
        return missing("no packet to answer");
      break;
  }
  auto fields = read(*from, ctx, with);
  auto v = fields.find(src.field);
  if (v != fields.end())
    return v->second;
  const auto* s = schema_of(from->kind);
  const auto* doc = s ? s->field(src.field) : nullptr;
  return missing("field " + src.field + " of " + describe_source(*from) + " (" +
                 (doc ? doc->protection : std::string("no such field")) + ")");
}

void attacker::fill_defaults(const message_schema& s, const std::string& to, field_values& f,
                             context& ctx) const {
  for (const auto& doc : s.fields) {
    if (f.count(doc.name))
      continue;
    if (doc.fallback == "fresh")
      f[doc.name] = crypto::to_hex(ctx.rng().generate(doc.fresh_size()));
    else if (doc.fallback == "self" && doc.type == "public_key")
      f[doc.name] = crypto::to_hex(own_key_.public_key().to_der());
    else if (doc.fallback == "self")
      f[doc.name] = ctx.self();
    else if (doc.fallback == "to")
      f[doc.name] = to;
    else if (doc.fallback == "empty")
      f[doc.name] = "";
  }
}

void attacker::forge_message(const action& a, const packet* matched, context& ctx) {
  const auto* s = schema_of(a.kind);
  auto to = !a.to.empty() ? a.to : matched ? matched->from : std::string{};
  auto from = !a.from.empty() ? a.from : matched ? matched->to : ctx.self();
  field_values f;
  for (const auto& [name, src] : a.fields) {
    auto v = resolve(name, src, matched, ctx);
    if (!v)
      return fail("forge", "cannot know " + name + ": " + v.error().detail, ctx);
    f[name] = *v;
  }
  fill_defaults(*s, to, f, ctx);
  auto built = s->build(f, term_store{known_, dir_, ctx.rng()});
  if (!built)
    return fail("forge", "cannot build " + a.kind + ": missing term: " + built.error().detail, ctx);
  // The keys it chose itself (an ephemeral secret, a fresh key it sealed
  // under) it knows from now on; keys that are someone's secret it had to
  // know already to put them in. What it would know without stolen keys
  // gets only keys it chose, and only in a packet no stolen key signed:
  // a channel that exists because a stolen key vouched for it is the key's.
  bool stolen_signature = false;
  for (const auto& doc : s->fields)
    if (doc.type == "signer" && !f[doc.name].empty() && f[doc.name] != ctx.self())
      stolen_signature = true;
  for (const auto& doc : s->fields) {
    if (doc.type != "symmetric_key" || !doc.secret.empty() || f[doc.name].empty())
      continue;
    auto key = crypto::from_hex(f[doc.name]);
    if (!key)
      continue;
    known_.learn_key(*key);
    auto src = a.fields.find(doc.name);
    bool chosen = src == a.fields.end() || src->second.type == field_source::from::literal ||
                  src->second.type == field_source::from::fresh;
    if (!without_stolen_ || !chosen)
      continue;
    with_stolen_signatures_->learn_key(*key);
    if (!stolen_signature)
      without_stolen_->learn_key(*key);
  }
  ctx.emit("AttackForged", {{"kind", a.kind}, {"link", from + "->" + to}});
  // What it sent it can read as any observer would (an answer it built
  // gives it the channel keys, with the ephemeral secret it chose) — in the
  // views without stolen keys only if it copied nothing a stolen key gave.
  packet own{0, from, to, a.kind, *built, ctx.self()};
  bool wire = !without_stolen_ || copies_clean(a, matched, *without_stolen_, ctx);
  bool signature = !without_stolen_ || copies_clean(a, matched, *with_stolen_signatures_, ctx);
  learn_from(own, false, ctx, wire, signature);
  ctx.send_as(from, to, a.kind, std::move(*built));
}

bool attacker::copies_clean(const action& a, const packet* matched, const knowledge& k,
                            context& ctx) {
  for (const auto& [name, src] : a.fields) {
    if (src.type != field_source::from::observed && src.type != field_source::from::matched)
      continue;
    auto mine = resolve(name, src, matched, ctx), theirs = resolve(name, src, matched, ctx, &k);
    if (!mine || !theirs || *mine != *theirs)
      return false;
  }
  return true;
}

} // namespace protobed::attack
