// The peer's channel to the server and its requests: one in flight at a
// time, sent again (same number) until the answer comes or retries run out.
#include "actors/micropay/peer.hpp"

namespace protobed::micropay {

namespace {

constexpr const char* request_timer = "request";

} // namespace

peer::peer(peer_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {}

void peer::on_packet(const packet& p, context& ctx) {
  if (p.kind == kind::welcome)
    return on_welcome(p, ctx);
  if (p.kind == kind::reply || p.kind == kind::settled)
    return on_server_record(p, ctx);
  if (p.kind == kind::dial)
    return on_dial(p, ctx);
  if (p.kind == kind::answer)
    return on_answer(p, ctx);
  if (p.kind == kind::token || p.kind == kind::chat)
    return on_peer_record(p, ctx);
  ctx.emit("PacketIgnored", {{"kind", p.kind}, {"from", p.from}});
}

void peer::on_command(const command& c, context& ctx) {
  const auto& u = cfg_.user;
  if (c.verb == "login")
    ctx.emit("LoginStarted", {{"user", u}});
  if (c.verb == "register")
    return ask(kind::command, "REGISTER#" + u, {}, "REGISTER#" + u, {}, ctx);
  if (c.verb == "login")
    return ask(kind::command, u + "#" + ctx.self(), {}, u + "#" + ctx.self(), {}, ctx);
  if (c.verb == "list")
    return ask(kind::command, "List", {}, "List", {}, ctx);
  if (c.verb == "exit")
    return ask(kind::command, "Exit", {}, "Exit", {}, ctx);
  if (c.verb == "command") {
    auto typed = c.arg("text");
    if (auto pay = parse_command(typed); pay.what == parsed_command::verb::pay)
      return request_payment(pay, typed, 0, ctx); // a payment however it was typed
    return ask(kind::command, typed, {}, typed, {}, ctx);
  }
  if (c.verb == "pay")
    return start_payment(c, ctx);
  if (c.verb == "chat")
    return start_chat(c, ctx);
  participant_core::on_command(c, ctx);
}

void peer::ask(const char* k, std::string text, bytes attachment, std::string shown,
               std::string payment, context& ctx) {
  requests_.push_back({request{next_request_++, std::move(text), std::move(attachment)}, k,
                       std::move(shown), std::move(payment), 0});
  if (requests_.size() == 1)
    send_head(ctx);
}

void peer::send_head(context& ctx) {
  if (requests_.empty())
    return;
  ctx.set_timer({request_timer, 0},
                cfg_.timeout * (1 << std::min<std::int64_t>(requests_.front().attempts, 6)));
  if (!server_) {
    if (server_dial_)
      return; // the welcome will send it
    auto d = start_handshake(kind::hello, ctx.rng(), key_, {}, ctx.now(), cfg_.server);
    if (!d)
      return ctx.emit("SendFailed", {{"kind", kind::hello}, {"reason", d.error().message()}});
    server_dial_ = std::move(*d);
    ctx.send(cfg_.server, kind::hello, server_dial_->sent);
    return;
  }
  auto& head = requests_.front();
  auto out = server_->seal(ctx.rng(), head.kind.c_str(), encode(head.rq));
  if (!out)
    return ctx.emit("SendFailed", {{"kind", head.kind}, {"reason", out.error().message()}});
  ctx.send(cfg_.server, head.kind, std::move(*out));
}

void peer::on_welcome(const packet& p, context& ctx) {
  if (!server_dial_)
    return ctx.emit("PacketIgnored", {{"kind", p.kind}, {"from", p.from}, {"reason", "no hello"}});
  auto in = read_welcome(kind::welcome, *server_dial_, p.bytes);
  if (!in)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", in.error().message()}});
  const auto* known = dir_.public_key(cfg_.server);
  std::string why;
  if (in->w.channel != server_dial_->channel)
    why = "answers another hello";
  else if (cfg_.check_handshakes && (!known || known->fingerprint() != in->fingerprint))
    why = "not the server's key";
  else if (cfg_.check_handshakes && !in->signature_ok)
    why = "bad signature";
  else if (cfg_.check_handshakes && !in->transcript_ok)
    why = "answers another hello";
  if (!why.empty())
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", why}});
  auto ch = finish_handshake(kind::welcome, *server_dial_, *in);
  if (!ch)
    return ctx.emit("HandshakeRefused", {{"from", p.from}, {"reason", ch.error().message()}});
  server_ = std::move(*ch);
  server_dial_.reset();
  ctx.emit("ChannelOpened", {{"peer", cfg_.server}, {"channel", short_id(server_->id)}});
  send_head(ctx);
}

void peer::on_server_record(const packet& p, context& ctx) {
  auto rec = decode_record(p.bytes);
  if (!rec)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", rec.error().message()}});
  if (!server_ || rec->channel != server_->id)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown channel"}});
  auto payload = server_->open(p.kind.c_str(), *rec, cfg_.check_replays, ctx);
  if (!payload)
    return;
  if (p.kind == kind::settled) {
    auto s = decode_settlement(*payload);
    if (!s)
      return ctx.emit("PacketRejected",
                      {{"kind", p.kind}, {"from", p.from}, {"reason", s.error().message()}});
    return on_settlement(*s, ctx);
  }
  auto r = decode_reply(*payload);
  if (!r)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", r.error().message()}});
  if (requests_.empty() || r->id != requests_.front().rq.id)
    return ctx.emit("PacketIgnored",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "not the request waited for"}});
  on_reply(*r, ctx);
}

void peer::on_reply(const reply& r, context& ctx) {
  auto head = requests_.front();
  ctx.emit("ReplyShown", {{"command", head.shown}, {"text", r.text}});
  if (head.kind == kind::redeem)
    on_redeemed(head.payment, r.text, ctx);
  auto c = parse_command(head.rq.text);
  if (c.what == parsed_command::verb::login && !r.attachment.empty()) {
    card_ = r.attachment;
    ctx.emit("LoggedIn", {{"user", c.name}});
  }
  if (c.what == parsed_command::verb::exit && r.text == text::bye)
    card_.clear();
  if (r.text.rfind("balance ", 0) == 0)
    learn_online(r.text);
  if (c.what == parsed_command::verb::pay)
    on_pay_reply(head, r, ctx);
  if (c.what == parsed_command::verb::list)
    flush_chats(ctx);
  finish_head(ctx);
}

void peer::learn_online(const std::string& text) {
  online_.clear();
  auto at = text.find("; online ");
  if (at == std::string::npos)
    return;
  std::string rest = text.substr(at + 9) + " ";
  for (std::size_t start = 0, end; (end = rest.find(' ', start)) != std::string::npos;
       start = end + 1) {
    auto entry = rest.substr(start, end - start);
    auto hash = entry.find('#');
    if (hash != std::string::npos)
      online_[entry.substr(0, hash)] = entry.substr(hash + 1);
  }
}

void peer::finish_head(context& ctx) {
  requests_.pop_front();
  ctx.cancel_timer({request_timer, 0});
  send_head(ctx);
}

void peer::on_request_timeout(context& ctx) {
  if (requests_.empty())
    return;
  auto& head = requests_.front();
  if (++head.attempts > cfg_.retries) {
    ctx.emit("RequestFailed", {{"command", head.shown}, {"reason", "no answer from the server"}});
    if (head.kind == kind::command && parse_command(head.rq.text).what == parsed_command::verb::pay)
      if (!head.payment.empty())
        finish_payment(head.payment, "no answer from the server", ctx);
    return finish_head(ctx);
  }
  if (!server_)
    server_dial_.reset(); // a fresh hello: the last one may be too old to be accepted
  send_head(ctx);
}

void peer::on_timer(const timer_id& id, context& ctx) {
  if (id.purpose == request_timer)
    return on_request_timeout(ctx);
  if (id.purpose == "payment")
    return on_payment_timer(id.index, ctx);
  if (id.purpose == "dial")
    return on_dial_timeout(id.index, ctx);
  participant_core::on_timer(id, ctx);
}

observation peer::observe() const {
  observation o;
  std::int64_t finished = 0;
  for (const auto& [id, p] : payments_)
    finished += p.finished ? 1 : 0;
  o.numbers["payments"] = static_cast<std::int64_t>(payments_.size());
  o.numbers["payments_finished"] = finished;
  o.numbers["tokens_received"] = static_cast<std::int64_t>(accepted_tokens_.size());
  o.numbers["payments_shown"] = static_cast<std::int64_t>(shown_tokens_.size());
  o.numbers["pending_requests"] = static_cast<std::int64_t>(requests_.size());
  o.texts["logged_in"] = card_.empty() ? "false" : "true";
  // From the scenario: which name it calls itself at which server (who owns
  // a name the server does not list, for the invariants).
  o.texts["user"] = cfg_.user;
  o.texts["server"] = cfg_.server;
  return o;
}

} // namespace protobed::micropay
