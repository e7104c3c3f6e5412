#include "actors/attack/attacker.hpp"

namespace protobed::attack {

namespace {

constexpr const char* send_timer = "send";     // index: into pending_
constexpr const char* action_timer = "action"; // index: into the script

} // namespace

attacker::attacker(attacker_config cfg, crypto::rsa_private_key own_key, const directory& dir,
                   vaults vault, const std::vector<analyzer>* analyzers,
                   const std::vector<forger>* forgers, const std::vector<message_schema>* schemas)
  : cfg_(std::move(cfg))
  , own_key_(std::move(own_key))
  , dir_(dir)
  , vault_(vault)
  , analyzers_(analyzers)
  , forgers_(forgers)
  , schemas_(schemas)
  , matched_(cfg_.actions.size()) {}

void attacker::on_start(context& ctx) {
  // Its own key pair is a term it holds like any other: it signs and opens with it.
  known_.private_keys.insert_or_assign(ctx.self(), own_key_);
  for (std::size_t i = 0; i < cfg_.actions.size(); ++i)
    if (cfg_.actions[i].at)
      ctx.set_timer({action_timer, i}, *cfg_.actions[i].at);
}

bool attacker::fires(std::size_t i, const packet& p) {
  const auto& a = cfg_.actions[i];
  if (a.at || !a.match.on.matches(p))
    return false;
  auto n = ++matched_[i];
  return a.match.occurrence == 0 || a.match.occurrence == n;
}

void attacker::on_packet(const packet& p, context& ctx) {
  recorded_.push_back(p);
  analyze(p, ctx);
  if (p.to == ctx.self()) { // an answer to something it sent: read, never passed on
    ++counts_["received"];
    return;
  }
  ++counts_["intercepted"];
  packet out = p;
  sim_time hold{0};
  if (!apply_actions(out, hold, ctx))
    return;
  if (hold.count() > 0)
    schedule_send(std::move(out), hold, ctx);
  else
    ctx.send_as(out.from, out.to, out.kind, std::move(out.bytes));
}

bool attacker::apply_actions(packet& out, sim_time& hold, context& ctx) {
  bool forward = true;
  for (std::size_t i = 0; i < cfg_.actions.size(); ++i) {
    if (!fires(i, out))
      continue;
    const auto& a = cfg_.actions[i];
    std::vector<std::pair<std::string, std::string>> d = {
      {"packet", std::to_string(out.id)}, {"kind", out.kind}, {"link", out.from + "->" + out.to}};
    switch (a.type) {
      case action_type::observe:
        ctx.emit("AttackObserved", d);
        break;
      case action_type::drop:
        forward = false;
        ctx.emit("AttackDropped", d);
        break;
      case action_type::delay:
        hold += a.by;
        d.emplace_back("by", format_duration(a.by));
        ctx.emit("AttackDelayed", d);
        break;
      case action_type::tamper:
        tamper(a, out, ctx);
        break;
      case action_type::impersonate:
        // The attacker answers in `as`'s name; the request goes no further.
        if (auto reply = forge(a, out, ctx)) {
          forward = false;
          ctx.emit("AttackImpersonated",
                   {{"as", a.as},
                    {"kind", reply->kind},
                    {"to", reply->to},
                    {"signed_with", a.sign_with.empty() ? "own" : a.sign_with}});
          ctx.send_as(reply->from, reply->to, reply->kind, std::move(reply->bytes));
        }
        break;
      case action_type::forge:
        forge_message(a, &out, ctx);
        break;
      case action_type::substitute_key:
        if (auto changed = forge(a, out, ctx)) {
          out = std::move(*changed);
          ctx.emit("AttackKeySubstituted", d);
        }
        break;
      case action_type::replay:
        for (std::uint32_t k = 1; k <= a.times; ++k) {
          packet copy = out;
          if (!a.to.empty())
            copy.to = a.to;
          schedule_send(std::move(copy), a.by * k, ctx);
        }
        d.emplace_back("times", std::to_string(a.times));
        ctx.emit("AttackReplayed", d);
        break;
      default:
        break;
    }
    ++counts_[to_string(a.type)];
  }
  return forward;
}

void attacker::tamper(const action& a, packet& p, context& ctx) {
  auto size = static_cast<std::int64_t>(p.bytes.size());
  std::int64_t at = a.offset < 0 ? size + a.offset : a.offset;
  if (a.random)
    at = size > 0 ? ctx.rng().uniform(0, static_cast<std::uint32_t>(size - 1)) : 0;
  auto width = static_cast<std::int64_t>(a.random ? 1 : std::max(a.xor_mask.size(), a.set.size()));
  if (at < 0 || at + width > size) {
    ctx.emit("AttackActionFailed",
             {{"action", "tamper"},
              {"reason", "offset " + std::to_string(a.offset) + " is beyond the " +
                           std::to_string(size) + "-byte packet"}});
    return;
  }
  for (std::int64_t k = 0; k < width; ++k) {
    auto& b = p.bytes[static_cast<std::size_t>(at + k)];
    if (a.random)
      b ^= static_cast<std::uint8_t>(ctx.rng().uniform(1, 255));
    else if (!a.xor_mask.empty())
      b ^= a.xor_mask[static_cast<std::size_t>(k)];
    else
      b = a.set[static_cast<std::size_t>(k)];
  }
  ctx.emit("AttackTampered",
           {{"packet", std::to_string(p.id)}, {"kind", p.kind}, {"offset", std::to_string(at)}});
}

void attacker::schedule_send(packet p, sim_time after, context& ctx) {
  pending_.push_back(std::move(p));
  ctx.set_timer({send_timer, pending_.size() - 1}, after);
}

void attacker::on_timer(const timer_id& id, context& ctx) {
  if (id.purpose == send_timer && id.index < pending_.size()) {
    const auto& p = pending_[id.index];
    ctx.send_as(p.from, p.to, p.kind, p.bytes);
  } else if (id.purpose == action_timer && id.index < cfg_.actions.size()) {
    run_timed(cfg_.actions[id.index], ctx);
  } else {
    participant_core::on_timer(id, ctx);
  }
}

void attacker::run_timed(const action& a, context& ctx) {
  ++counts_[to_string(a.type)];
  if (a.type == action_type::inject)
    inject(a, ctx);
  else if (a.type == action_type::compromise)
    compromise(a, ctx);
  else if (a.type == action_type::forge)
    forge_message(a, nullptr, ctx);
}

void attacker::inject(const action& a, context& ctx) {
  packet p;
  if (a.raw.empty()) {
    std::uint64_t seen = 0;
    const packet* found = nullptr;
    for (const auto& r : recorded_)
      if (a.match.on.matches(r) && ++seen == a.match.occurrence && !found)
        found = &r;
    if (!found) {
      ctx.emit("AttackActionFailed",
               {{"action", "inject"}, {"reason", "nothing recorded to copy"}});
      return;
    }
    p = *found;
  } else {
    p.bytes = a.raw;
  }
  if (!a.from.empty())
    p.from = a.from;
  if (!a.to.empty())
    p.to = a.to;
  if (!a.kind.empty())
    p.kind = a.kind;
  if (p.from.empty())
    p.from = ctx.self();
  ctx.emit("AttackInjected", {{"kind", p.kind}, {"link", p.from + "->" + p.to}});
  ctx.send_as(p.from, p.to, p.kind, std::move(p.bytes));
}

void attacker::compromise(const action& a, context& ctx) {
  if (!vault_.rsa || vault_.rsa->count(a.participant) == 0) {
    ctx.emit("AttackActionFailed",
             {{"action", "compromise"}, {"reason", a.participant + " has no long-term key"}});
    return;
  }
  if (!without_stolen_) {
    without_stolen_ = known_;
    with_stolen_signatures_ = known_;
  }
  known_.private_keys.insert_or_assign(a.participant, vault_.rsa->at(a.participant));
  // A participant that signs with another key (DSA) loses that one too.
  const crypto::signing_key* other = nullptr;
  if (vault_.signing)
    if (auto k = vault_.signing->find(a.participant); k != vault_.signing->end())
      other = &k->second;
  if (other)
    known_.signing_keys.insert_or_assign(a.participant, *other);
  ctx.emit("KeyCompromised",
           {{"owner", a.participant},
            {"signs_with",
             crypto::to_string(other ? other->scheme() : crypto::signature_scheme::rsa_pss)}});
  // Everything recorded so far can now be read with the new key.
  for (const auto& p : recorded_)
    analyze(p, ctx);
}

std::optional<packet> attacker::forge(const action& a, const packet& p, context& ctx) {
  const crypto::rsa_private_key* key = &own_key_;
  if (!a.sign_with.empty()) {
    auto k = known_.private_keys.find(a.sign_with);
    if (k == known_.private_keys.end()) {
      fail(to_string(a.type), "missing term: the private key of " + a.sign_with, ctx);
      return std::nullopt;
    }
    key = &k->second;
  }
  std::map<std::string, std::string> fields;
  for (const auto& [name, src] : a.fields)
    fields[name] = src.value;
  forge_context f{known_, *key, fields, dir_, ctx.rng()};
  if (forgers_)
    for (const auto& fg : *forgers_) {
      auto made = a.type == action_type::impersonate
                    ? (fg.impersonate ? fg.impersonate(p, a.as, f) : std::nullopt)
                    : (fg.substitute_key ? fg.substitute_key(p, f) : std::nullopt);
      if (made)
        return made;
    }
  ctx.emit("AttackActionFailed",
           {{"action", to_string(a.type)},
            {"reason", "cannot forge from " + p.kind + " with what the attacker knows"}});
  return std::nullopt;
}

void attacker::analyze(const packet& p, context& ctx) {
  learn_from(p, true, ctx);
}

void attacker::learn_into(knowledge& k, const packet& p, bool secrets, context& ctx) const {
  // Through the schema: every field it can open; secret fields are secrets
  // learned, symmetric keys become keys it holds.
  if (const auto* s = schema_of(p.kind)) {
    auto fields = s->read(p.bytes, term_store{k, dir_, ctx.rng()});
    for (const auto& f : s->fields) {
      auto v = fields.find(f.name);
      if (v == fields.end() || v->second.empty())
        continue;
      if (!f.secret.empty() && secrets)
        k.learn({f.secret, v->second, describe_source(p)});
      if (f.type == "symmetric_key")
        if (auto key = crypto::from_hex(v->second))
          k.learn_key(*key);
    }
  }
  if (secrets)
    for (const auto& a : analyzers_ ? *analyzers_ : std::vector<analyzer>{})
      a(p, k, ctx.rng());
}

void attacker::learn_from(const packet& p, bool secrets, context& ctx, bool wire_view,
                          bool signature_view) {
  auto before = known_.secrets().size();
  learn_into(known_, p, secrets, ctx);
  if (wire_view && without_stolen_)
    learn_into(*without_stolen_, p, secrets, ctx);
  if (signature_view && with_stolen_signatures_)
    learn_into(*with_stolen_signatures_, p, secrets, ctx);
  auto holds = [](const knowledge& k, const secret& s) {
    const auto& all = k.secrets();
    return std::any_of(all.begin(), all.end(),
                       [&](const secret& x) { return x.what == s.what && x.value == s.value; });
  };
  for (auto i = before; i < known_.secrets().size(); ++i) {
    const auto& s = known_.secrets()[i];
    std::vector<std::pair<std::string, std::string>> d = {
      {"what", s.what}, {"value", s.value}, {"source", s.source}};
    if (without_stolen_)
      d.push_back({"by", holds(*without_stolen_, s)           ? "wire"
                         : holds(*with_stolen_signatures_, s) ? "stolen signature"
                                                              : "stolen key"});
    ctx.emit("SecretLearned", std::move(d));
  }
}

observation attacker::observe() const {
  observation o;
  for (const auto& [k, v] : counts_)
    o.numbers["attack." + k] = v;
  o.numbers["secrets"] = static_cast<std::int64_t>(known_.secrets().size());
  for (std::size_t i = 0; i < known_.secrets().size(); ++i) {
    const auto& s = known_.secrets()[i];
    o.texts["secret." + std::to_string(i + 1)] = s.what + " " + s.value + " from " + s.source;
  }
  return o;
}

} // namespace protobed::attack
