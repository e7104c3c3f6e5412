// The peer's direct channels to other peers (opened with a dial, answered by
// the other peer, each side showing the card the server signed at login) and
// the chat over them.
#include "actors/micropay/peer.hpp"

namespace protobed::micropay {

namespace {

constexpr const char* dial_timer = "dial";

} // namespace

peer::peer_link* peer::channel_for(const std::string& name, const std::string& address,
                                   context& ctx) {
  auto i = link_to_.find(address);
  if (i == link_to_.end())
    return nullptr;
  auto l = links_.find(i->second);
  if (l == links_.end())
    return nullptr;
  if (!cfg_.bind_channels || l->second.name == name)
    return &l->second;
  ctx.emit("ChannelRefused", {{"to", name},
                              {"user", l->second.name},
                              {"channel", short_id(l->second.ch.id)},
                              {"reason", "the channel's card names " + l->second.name}});
  link_to_.erase(i); // it stays open for what its own user sends us
  return nullptr;
}

void peer::send_direct(const std::string& name, const std::string& address, const char* k,
                       const result<bytes>& payload, context& ctx) {
  if (auto* l = channel_for(name, address, ctx)) {
    auto out = l->ch.seal(ctx.rng(), k, payload);
    if (!out)
      return ctx.emit("SendFailed", {{"kind", k}, {"reason", out.error().message()}});
    return ctx.send(address, k, std::move(*out));
  }
  if (!payload)
    return ctx.emit("SendFailed", {{"kind", k}, {"reason", payload.error().message()}});
  auto& queue = waiting_[address];
  for (const auto& o : queue)
    if (o.kind == k && o.payload == *payload)
      return; // already waiting for this channel
  queue.push_back({k, *payload});
  if (dialing_.count(address))
    return;
  if (card_.empty()) {
    waiting_.erase(address);
    return ctx.emit("DialFailed", {{"to", name}, {"reason", "not logged in"}});
  }
  auto d = start_handshake(kind::dial, ctx.rng(), key_, card_, ctx.now(), address);
  if (!d)
    return ctx.emit("SendFailed", {{"kind", kind::dial}, {"reason", d.error().message()}});
  ctx.send(address, kind::dial, d->sent);
  dialing_[address] = std::move(*d);
  expected_[address] = name;
  dial_number_[address] = ++dial_count_;
  ctx.set_timer({dial_timer, dial_count_}, cfg_.timeout * 2);
}

std::optional<std::string> peer::card_refusal(const bytes& signed_card, const bytes& fingerprint,
                                              card& out, context& ctx) const {
  auto blob = decode_signed_blob(signed_card);
  if (!blob)
    return std::string("no card");
  const auto* server_key = dir_.public_key(cfg_.server);
  if (!server_key || !server_key->verify(blob->payload, blob->signature))
    return std::string("a card the server did not sign");
  auto k = decode_card(blob->payload);
  if (!k)
    return std::string("no card");
  out = *k;
  if (!crypto::constant_time_equal(k->key_fingerprint, fingerprint))
    return "the card is for another key";
  if (sim_time(k->expires) < ctx.now())
    return std::string("an expired card");
  return std::nullopt;
}

namespace {

/// A card as it reads, without checking it (check_handshakes off).
card unchecked_card(const bytes& signed_card) {
  auto blob = decode_signed_blob(signed_card);
  auto k = blob ? decode_card(blob->payload) : result<card>(blob.error());
  return k ? *k : card{"unknown", "", {}, 0};
}

/// With bind_channels, why a checked card does not fit the address the
/// handshake came from: a dial from alice's address must show a card for it.
std::optional<std::string> binding_refusal(bool bind, const card& k, const std::string& from) {
  if (bind && k.address != from)
    return std::string("the card is for another address");
  return std::nullopt;
}

} // namespace

void peer::on_dial(const packet& p, context& ctx) {
  auto in = read_hello(kind::dial, p.bytes);
  if (!in)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", in.error().message()}});
  if (auto l = links_.find(in->h.channel); l != links_.end()) {
    ctx.send(p.from, kind::answer, l->second.answer); // our answer was lost
    return ctx.emit("DialRepeated", {{"from", p.from}, {"channel", short_id(in->h.channel)}});
  }
  if (card_.empty())
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", "not logged in"}});
  card k;
  std::optional<std::string> why;
  if (cfg_.check_handshakes) {
    auto age = ctx.now().count() - in->h.time;
    if (!in->signature_ok)
      why = "bad signature";
    else if (age > cfg_.timeout.count() * 30 || -age > cfg_.timeout.count() * 30)
      why = "stale dial";
    else
      why = card_refusal(in->h.card, in->fingerprint, k, ctx);
    if (!why)
      why = binding_refusal(cfg_.bind_channels, k, p.from);
  } else {
    k = unchecked_card(in->h.card);
  }
  if (why)
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", *why}});
  auto a = answer_hello(kind::answer, ctx.rng(), key_, *in, card_, p.from);
  if (!a)
    return ctx.emit("SendFailed", {{"kind", kind::answer}, {"reason", a.error().message()}});
  ctx.send(p.from, kind::answer, a->packet);
  ctx.emit("ChannelOpened",
           {{"peer", p.from}, {"user", k.name}, {"channel", short_id(in->h.channel)}});
  link_to_[p.from] = in->h.channel;
  links_[in->h.channel] = peer_link{std::move(a->channel), k.name, std::move(a->packet)};
}

void peer::on_answer(const packet& p, context& ctx) {
  auto d = dialing_.find(p.from);
  if (d == dialing_.end())
    return ctx.emit("PacketIgnored", {{"kind", p.kind}, {"from", p.from}, {"reason", "no dial"}});
  auto in = read_welcome(kind::answer, d->second, p.bytes);
  if (!in)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", in.error().message()}});
  if (in->w.channel != d->second.channel)
    return ctx.emit("PacketIgnored",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "answers another dial"}});
  const auto& expected = expected_[p.from];
  card k;
  std::optional<std::string> why;
  if (cfg_.check_handshakes) {
    if ((why = card_refusal(in->w.card, in->fingerprint, k, ctx)))
      ;
    else if (k.name != expected)
      why = "answered by " + k.name + ", not " + expected;
    else if (!in->signature_ok)
      why = "bad signature";
    else if (!in->transcript_ok)
      why = "answers another dial";
    else
      why = binding_refusal(cfg_.bind_channels, k, p.from);
  }
  if (why)
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", *why}});
  auto ch = finish_handshake(kind::answer, d->second, *in);
  if (!ch)
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", ch.error().message()}});
  ctx.cancel_timer({dial_timer, dial_number_[p.from]});
  ctx.emit("ChannelOpened", {{"peer", p.from}, {"user", expected}, {"channel", short_id(ch->id)}});
  auto id = ch->id;
  links_[id] = peer_link{std::move(*ch), expected, {}};
  link_to_[p.from] = id;
  dialing_.erase(d);
  auto queued = std::move(waiting_[p.from]);
  waiting_.erase(p.from);
  for (auto& o : queued)
    send_direct(expected, p.from, o.kind.c_str(), o.payload, ctx);
}

void peer::on_dial_timeout(std::uint64_t n, context& ctx) {
  for (auto& [address, number] : dial_number_) {
    if (number != n || !dialing_.count(address))
      continue;
    dialing_.erase(address);
    for (const auto& o : waiting_[address])
      if (o.kind == kind::chat)
        ctx.emit("ChatFailed", {{"to", expected_[address]}, {"reason", "no answer"}});
    waiting_.erase(address);
    return ctx.emit("DialFailed", {{"to", expected_[address]}, {"reason", "no answer"}});
  }
}

void peer::on_peer_record(const packet& p, context& ctx) {
  auto rec = decode_record(p.bytes);
  if (!rec)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", rec.error().message()}});
  auto l = links_.find(rec->channel);
  if (l == links_.end())
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown channel"}});
  auto payload = l->second.ch.open(p.kind.c_str(), *rec, cfg_.check_replays, ctx);
  if (!payload)
    return;
  if (p.kind == kind::token)
    return on_token(l->second, *payload, ctx);
  auto line = decode_chat_line(*payload);
  if (!line)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", line.error().message()}});
  ctx.emit("ChatShown", {{"from", l->second.name}, {"user", cfg_.user}, {"text", line->text}});
}

void peer::start_chat(const command& c, context& ctx) {
  chats_.emplace_back(c.arg("to"), c.arg("text", "hello"));
  if (requests_.empty() || requests_.back().rq.text != "List")
    ask(kind::command, "List", {}, "List", {}, ctx);
}

void peer::flush_chats(context& ctx) {
  auto chats = std::move(chats_);
  chats_.clear();
  for (const auto& [to, text] : chats) {
    auto i = online_.find(to);
    if (i == online_.end()) {
      ctx.emit("ChatFailed", {{"to", to}, {"reason", "not online"}});
      continue;
    }
    ctx.emit("ChatSent", {{"to", to}, {"user", cfg_.user}, {"text", text}});
    send_direct(to, i->second, kind::chat, encode(chat_line{text}), ctx);
  }
}

} // namespace protobed::micropay
