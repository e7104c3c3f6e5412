// The peer's payments: as payer it asks for a token and delivers it to the
// payee until the server says how the payment ended; as payee it checks the
// token, redeems it and shows it once the server says it settled.
#include "actors/micropay/peer.hpp"

namespace protobed::micropay {

namespace {

constexpr const char* payment_timer = "payment";

std::int64_t amount_of(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (...) {
    return 0;
  }
}

} // namespace

void peer::start_payment(const command& c, context& ctx) {
  auto to = c.arg("to");
  auto amount = c.arg("amount", "1");
  auto repeats = std::stoll(c.arg("count", "1")) - 1; // back to back, as a user would
  request_payment({parsed_command::verb::pay, cfg_.user, "", amount, to},
                  "PayRequest#" + cfg_.user + "#" + amount + "#" + to, repeats, ctx);
}

void peer::request_payment(const parsed_command& c, const std::string& text, std::int64_t repeats,
                           context& ctx) {
  auto id = cfg_.user + "." + std::to_string(++payment_count_);
  auto& p = payments_[id];
  p.payee = c.payee;
  p.amount = amount_of(c.amount);
  p.typed_amount = c.amount;
  p.repeats_left = repeats;
  ctx.emit("PaymentRequested", {{"payment", id},
                                {"user", cfg_.user},
                                {"key", short_id(key_.public_key().fingerprint())},
                                {"payer", c.name},
                                {"payee", c.payee},
                                {"amount", c.amount}});
  ask(kind::command, text, {}, text, id, ctx);
}

void peer::on_pay_reply(const pending_request& head, const reply& r, context& ctx) {
  const auto& id = head.payment;
  if (r.text.rfind(text::pay_ok, 0) != 0)
    return finish_payment(id, "refused: " + r.text, ctx);
  auto blob = decode_signed_blob(r.attachment);
  auto t = blob ? decode_token(blob->payload) : result<token>(blob.error());
  if (!t)
    return finish_payment(id, "refused: no token in the answer", ctx);
  auto& p = payments_[id];
  p.token = r.attachment;
  p.token_id = t->id;
  p.address = r.text.substr(std::string(text::pay_ok).size());
  p.expires = sim_time(t->expires);
  by_token_[t->id] = id;
  ctx.emit("TokenReceived", {{"payment", id}, {"token", short_id(t->id)}, {"payee", p.payee}});
  deliver_token(id, ctx);
}

void peer::deliver_token(const std::string& id, context& ctx) {
  auto& p = payments_[id];
  if (++p.attempts >= 3)
    link_to_.erase(p.address);   // the payee may have restarted: dial again
  if (p.address == ctx.self()) { // paying ourselves: no channel to open
    peer_link self;
    self.name = cfg_.user;
    on_token(self, p.token, ctx);
  } else {
    send_direct(p.payee, p.address, kind::token, p.token, ctx);
  }
  auto wait = cfg_.timeout * (1 << std::min<std::int64_t>(p.attempts - 1, 4));
  auto last = p.expires + cfg_.timeout - ctx.now();
  auto n = std::stoull(id.substr(id.rfind('.') + 1));
  ctx.set_timer({payment_timer, n}, std::max(sim_time(1), std::min(wait, last)));
}

void peer::on_payment_timer(std::uint64_t n, context& ctx) {
  auto id = cfg_.user + "." + std::to_string(n);
  auto i = payments_.find(id);
  if (i == payments_.end() || i->second.finished)
    return;
  if (ctx.now() >= i->second.expires + cfg_.timeout)
    return finish_payment(id, "unconfirmed: no word from the server", ctx);
  deliver_token(id, ctx);
}

void peer::finish_payment(const std::string& id, const std::string& outcome, context& ctx) {
  auto& p = payments_[id];
  if (p.finished)
    return;
  p.finished = true;
  ctx.emit("PaymentFinished",
           {{"payment", id}, {"token", short_id(p.token_id)}, {"outcome", outcome}});
  auto n = std::stoull(id.substr(id.rfind('.') + 1));
  ctx.cancel_timer({payment_timer, n});
  if (p.repeats_left > 0) // the next of `count` payments
    start_payment(
      command{
        "pay",
        {{"to", p.payee}, {"amount", p.typed_amount}, {"count", std::to_string(p.repeats_left)}}},
      ctx);
}

void peer::on_settlement(const settlement& s, context& ctx) {
  auto i = by_token_.find(s.token);
  if (i == by_token_.end())
    return ctx.emit("PacketIgnored", {{"kind", kind::settled}, {"reason", "not our payment"}});
  finish_payment(i->second, s.outcome, ctx);
}

std::optional<token> peer::check_token(const bytes& blob, context& ctx) {
  auto refuse = [&](const std::string& why) {
    ctx.emit("TokenRefused", {{"reason", why}});
    return std::nullopt;
  };
  auto b = decode_signed_blob(blob);
  if (!b)
    return refuse(b.error().message());
  auto t = decode_token(b->payload);
  if (!t)
    return refuse(t.error().message());
  if (!cfg_.verify_tokens)
    return *t;
  const auto* server_key = dir_.public_key(cfg_.server);
  if (!server_key || !server_key->verify(b->payload, b->signature))
    return refuse("not signed by the server");
  if (t->payee != cfg_.user)
    return refuse("for " + t->payee + ", not for us");
  if (sim_time(t->expires) < ctx.now())
    return refuse("expired");
  return *t;
}

void peer::on_token(const peer_link& from, const bytes& payload, context& ctx) {
  auto t = check_token(payload, ctx);
  if (!t)
    return;
  auto id = short_id(t->id);
  if (!accepted_tokens_.insert(t->id).second) {
    ctx.emit("TokenRepeated", {{"token", id}});
  } else {
    ctx.emit("PaymentPending", {{"token", id},
                                {"user", cfg_.user},
                                {"payer", t->payer},
                                {"amount", std::to_string(t->amount)},
                                {"via", from.name}});
    if (cfg_.show_after_settlement)
      unsettled_.emplace(id, unsettled{*t, from.name});
    else // the seed's way: shown before the server said anything
      show_payment(*t, from.name, ctx);
  }
  for (const auto& rq : requests_)
    if (rq.kind == kind::redeem && rq.payment == id)
      return; // already being redeemed
  ask(kind::redeem, "Redeem", payload, "Redeem", id, ctx);
}

void peer::on_redeemed(const std::string& token, const std::string& text, context& ctx) {
  bool settled = text.rfind("SETTLED#", 0) == 0;
  ctx.emit("Redeemed", {{"token", token}, {"outcome", settled ? "settled" : text}});
  auto u = unsettled_.find(token);
  if (!settled || u == unsettled_.end())
    return;
  auto shown = std::move(u->second);
  unsettled_.erase(u);
  show_payment(shown.t, shown.via, ctx);
}

void peer::show_payment(const token& t, const std::string& via, context& ctx) {
  if (!shown_tokens_.insert(t.id).second)
    return;
  ctx.emit("PaymentReceived", {{"token", short_id(t.id)},
                               {"user", cfg_.user},
                               {"payer", t.payer},
                               {"amount", std::to_string(t.amount)},
                               {"via", via},
                               {"text", gives_you(t.payer, t.amount)}});
}

} // namespace protobed::micropay
