// The server's channels, accounts, logins and the online list.
#include "actors/micropay/server.hpp"

#include <algorithm>
#include <cctype>

namespace protobed::micropay {

namespace {

constexpr std::size_t links_per_key = 4;
constexpr std::size_t max_name = 32;

std::string folded(std::string n) {
  for (auto& ch : n)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return n;
}

} // namespace

/// 1..32 letters, digits, '.', '_' or '-': a name shows in "<payer> gives
/// you <amount> dollars" and in the online list, so no control characters,
/// spaces or separators that could pass for another name or a whole line.
bool valid_user_name(const std::string& n) {
  auto allowed = [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return std::isalnum(u) || ch == '.' || ch == '_' || ch == '-';
  };
  return !n.empty() && n.size() <= max_name && std::all_of(n.begin(), n.end(), allowed);
}

server::server(server_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {
  for (const auto& a : cfg_.accounts) {
    accounts_[a.name].balance = a.balance;
    auto owner = cfg_.owners.find(a.name);
    accounts_[a.name].owner = owner == cfg_.owners.end() ? a.name : owner->second;
  }
}

void server::on_packet(const packet& p, context& ctx) {
  if (p.kind == kind::hello)
    return on_hello(p, ctx);
  if (p.kind == kind::command || p.kind == kind::redeem)
    return on_request(p, ctx);
  ctx.emit("PacketIgnored", {{"kind", p.kind}, {"from", p.from}});
}

void server::on_hello(const packet& p, context& ctx) {
  auto in = read_hello(kind::hello, p.bytes);
  if (!in)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", in.error().message()}});
  if (auto* l = find_link(in->h.channel)) {
    if (crypto::constant_time_equal(l->fingerprint, in->fingerprint))
      ctx.send(l->ch.peer, kind::welcome, l->welcome); // our welcome was lost
    return ctx.emit("HelloRepeated", {{"from", p.from}, {"channel", short_id(in->h.channel)}});
  }
  if (!in->signature_ok && cfg_.check_credentials)
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", "bad signature"}});
  auto age = ctx.now().count() - in->h.time;
  if (cfg_.check_replays && (age > cfg_.freshness.count() || -age > cfg_.freshness.count()))
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", "stale hello"}});
  auto a = answer_hello(kind::welcome, ctx.rng(), key_, *in, {}, p.from);
  if (!a)
    return ctx.emit("SendFailed", {{"kind", kind::welcome}, {"reason", a.error().message()}});
  auto& l = links_[in->h.channel];
  l.ch = std::move(a->channel);
  l.fingerprint = in->fingerprint;
  l.welcome = std::move(a->packet);
  ctx.send(p.from, kind::welcome, l.welcome);
  ctx.emit(
    "ChannelOpened",
    {{"peer", p.from}, {"channel", short_id(in->h.channel)}, {"key", short_id(in->fingerprint)}});
  links_of_[in->fingerprint].push_back(in->h.channel);
  keep_links_bounded(in->fingerprint, ctx);
}

void server::keep_links_bounded(const bytes& fingerprint, context& ctx) {
  auto& ids = links_of_[fingerprint];
  while (ids.size() > links_per_key) {
    auto i = links_.find(ids.front());
    if (i != links_.end()) {
      if (i->second.user)
        accounts_[*i->second.user].channel.reset();
      ctx.emit("ChannelClosed", {{"peer", i->second.ch.peer},
                                 {"channel", short_id(ids.front())},
                                 {"reason", "too many channels for one key"}});
      links_.erase(i);
    }
    ids.erase(ids.begin());
  }
}

server::link* server::find_link(const bytes& id) {
  auto i = links_.find(id);
  return i == links_.end() ? nullptr : &i->second;
}

void server::on_request(const packet& p, context& ctx) {
  auto rec = decode_record(p.bytes);
  if (!rec)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", rec.error().message()}});
  auto* l = find_link(rec->channel);
  if (!l)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown channel"}});
  auto payload = l->ch.open(p.kind.c_str(), *rec, cfg_.check_replays, ctx);
  if (!payload)
    return;
  auto rq = decode_request(*payload);
  if (!rq)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", rq.error().message()}});
  if (rq->id == l->last_request && !l->last_reply.empty()) {
    ctx.emit("RequestRepeated", {{"from", l->ch.peer}, {"request", std::to_string(rq->id)}});
    return send_on(*l, kind::reply, l->last_reply, ctx);
  }
  if (rq->id <= l->last_request)
    return ctx.emit(
      "PacketIgnored",
      {{"kind", p.kind},
       {"from", l->ch.peer},
       {"reason", rq->id == l->last_request ? "being answered" : "an earlier request"}});
  if ((p.kind == kind::redeem) != (rq->text == "Redeem"))
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", l->ch.peer}, {"reason", "wrong kind for request"}});
  answer(*l, *rq, ctx);
}

void server::answer(link& l, const request& rq, context& ctx) {
  l.last_request = rq.id;
  l.last_reply.clear(); // until it is answered, a repeat is ignored
  auto r = rq.text == "Redeem" ? std::optional<reply>(redeem(l, rq, ctx)) : handle(l, rq, ctx);
  if (r)
    send_reply(l, std::move(*r), ctx);
}

void server::send_reply(link& l, reply r, context& ctx) {
  r.id = l.last_request;
  auto payload = encode(r);
  if (!payload)
    return ctx.emit("SendFailed", {{"kind", kind::reply}, {"reason", payload.error().message()}});
  l.last_reply = *payload;
  send_on(l, kind::reply, l.last_reply, ctx);
}

void server::send_on(link& l, const char* k, const result<bytes>& payload, context& ctx) {
  auto out = l.ch.seal(ctx.rng(), k, payload);
  if (!out)
    return ctx.emit("SendFailed", {{"kind", k}, {"reason", out.error().message()}});
  ctx.send(l.ch.peer, k, std::move(*out));
}

std::optional<reply> server::handle(link& l, const request& rq, context& ctx) {
  auto c = parse_command(rq.text);
  using verb = parsed_command::verb;
  switch (c.what) {
    case verb::register_name:
      return register_name(l, c, ctx);
    case verb::login:
      return login(l, c, ctx);
    case verb::list:
      return list(l);
    case verb::exit:
      return logout(l, ctx);
    case verb::pay:
      return pay(l, c, ctx);
    case verb::unknown:
      break;
  }
  ctx.emit("CommandRefused", {{"from", l.ch.peer}, {"command", rq.text}, {"reason", "unknown"}});
  return reply{0, text::wrong_state, {}};
}

reply server::register_name(link& l, const parsed_command& c, context& ctx) {
  if (l.user) {
    ctx.emit("CommandRefused",
             {{"from", l.ch.peer}, {"command", "REGISTER"}, {"reason", "logged in"}});
    return {0, text::wrong_state, {}};
  }
  auto i = accounts_.find(c.name);
  std::optional<std::string> why;
  if (!valid_user_name(c.name))
    why = "bad name";
  else if (i == accounts_.end() && looks_like_existing(c.name))
    why = "too like an existing name";
  else if (i != accounts_.end() && !i->second.key.empty())
    why = "taken";
  else if (i != accounts_.end())
    why = owner_refusal(l, i->second);
  if (why) {
    ctx.emit("RegisterRefused", {{"user", c.name}, {"from", l.ch.peer}, {"reason", *why}});
    return {0, text::taken, {}};
  }
  accounts_[c.name].key = l.fingerprint;
  ctx.emit("UserRegistered", {{"user", c.name}, {"key", short_id(l.fingerprint)}});
  return {0, text::ok, {}};
}

bool server::looks_like_existing(const std::string& name) const {
  auto f = folded(name);
  for (const auto& [other, a] : accounts_)
    if (folded(other) == f)
      return true;
  return false;
}

std::optional<std::string> server::owner_refusal(const link& l, const account& a) const {
  if (!cfg_.check_owners || a.owner.empty())
    return std::nullopt;
  const auto* key = dir_.public_key(a.owner);
  if (!key)
    return "no key on file for its owner " + a.owner;
  if (!crypto::constant_time_equal(key->fingerprint(), l.fingerprint))
    return "not its owner's key";
  return std::nullopt;
}

reply server::login(link& l, const parsed_command& c, context& ctx) {
  if (l.user) {
    ctx.emit("CommandRefused",
             {{"from", l.ch.peer}, {"command", "login"}, {"reason", "logged in"}});
    return {0, text::wrong_state, {}};
  }
  auto i = accounts_.find(c.name);
  std::string why;
  if (i == accounts_.end() || i->second.key.empty())
    why = "not registered";
  else if (cfg_.check_credentials && !crypto::constant_time_equal(i->second.key, l.fingerprint))
    why = "not the key it registered";
  else if (c.address.size() > 64)
    why = "bad address";
  if (!why.empty()) {
    ctx.emit("LoginRefused", {{"user", c.name}, {"from", l.ch.peer}, {"reason", why}});
    return {0, text::auth_fail, {}};
  }
  auto& a = i->second;
  if (a.channel)
    if (auto* old = find_link(*a.channel); old && old != &l) {
      old->user.reset();
      ctx.emit("LoggedOut", {{"user", c.name}, {"reason", "logged in again elsewhere"}});
    }
  a.channel = l.ch.id;
  a.address = c.address;
  l.user = c.name;
  ctx.emit("LoggedIn", {{"user", c.name}, {"address", c.address}, {"peer", l.ch.peer}});
  card k{c.name, c.address, l.fingerprint, (ctx.now() + cfg_.card_lifetime).count()};
  auto signed_card = and_then(encode(k), [&](const bytes& b) {
    return encode(signed_blob{b, key_.sign(ctx.rng(), b)});
  });
  return {0, balance_and_list(c.name), signed_card ? *signed_card : bytes{}};
}

reply server::list(const link& l) const {
  if (!l.user)
    return {0, text::auth_fail, {}};
  return {0, balance_and_list(*l.user), {}};
}

reply server::logout(link& l, context& ctx) {
  if (!l.user)
    return {0, text::auth_fail, {}};
  accounts_[*l.user].channel.reset();
  ctx.emit("LoggedOut", {{"user", *l.user}, {"reason", "exit"}});
  l.user.reset();
  return {0, text::bye, {}};
}

bool server::online(const std::string& user) const {
  auto i = accounts_.find(user);
  if (i == accounts_.end() || !i->second.channel)
    return false;
  auto l = links_.find(*i->second.channel);
  return l != links_.end() && offline_.count(l->second.ch.peer) == 0;
}

std::string server::online_list() const {
  std::string out;
  for (const auto& [name, a] : accounts_)
    if (online(name))
      out += (out.empty() ? "" : " ") + name + "#" + a.address;
  return out.empty() ? "none" : out;
}

std::string server::balance_and_list(const std::string& user) const {
  return "balance " + std::to_string(accounts_.at(user).balance) + "; online " + online_list();
}

void server::on_peer_status(const std::string& peer, bool reachable, context&) {
  if (reachable)
    offline_.erase(peer);
  else
    offline_.insert(peer);
}

observation server::observe() const {
  observation o;
  std::int64_t reserved = 0, total = 0, logged_in = 0;
  for (const auto& [id, r] : reserved_)
    reserved += r.amount;
  for (const auto& [name, a] : accounts_) {
    o.numbers["balance." + name] = a.balance;
    total += a.balance;
    if (!a.owner.empty())
      o.texts["owner." + name] = a.owner; // from the scenario: for no_unauthorised_payment
  }
  for (const auto& [id, l] : links_)
    logged_in += l.user ? 1 : 0;
  o.numbers["reserved"] = reserved;
  o.numbers["total"] = total + reserved; // money held for someone: balances + reservations
  o.numbers["reservations"] = static_cast<std::int64_t>(reserved_.size());
  o.numbers["settled"] = static_cast<std::int64_t>(settled_.size());
  o.numbers["logged_in"] = logged_in;
  // From the scenario: how long a reservation may stay open (reservations_resolved).
  o.numbers["token_lifetime_ns"] = cfg_.token_lifetime.count();
  return o;
}

} // namespace protobed::micropay
