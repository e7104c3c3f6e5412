// The server's payments: PayRequest reserves and issues a signed token,
// Redeem settles it once, and a token never redeemed expires back to the
// payer.
#include <cctype>

#include "actors/micropay/server.hpp"

namespace protobed::micropay {

namespace {

constexpr const char* expiry_timer = "expiry";

/// The amount as typed: with check_amounts, only digits (no sign, no
/// spaces) and at most `max`; without, whatever a signed 64-bit integer
/// reads (the seed's atoi let "-5" through).
std::optional<std::int64_t> parse_amount(const std::string& s, bool strict, std::int64_t max) {
  if (s.empty() || s.size() > 20)
    return std::nullopt;
  bool negative = !strict && s[0] == '-';
  std::int64_t v = 0;
  for (std::size_t i = negative ? 1 : 0; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return std::nullopt;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
      return std::nullopt;
  }
  v = negative ? -v : v;
  if (strict && (v < 1 || v > max))
    return std::nullopt;
  return v;
}

} // namespace

std::optional<std::string> server::pay_refusal(const link& l, const parsed_command& c,
                                               std::int64_t& amount) const {
  if (cfg_.check_payer && c.name != *l.user)
    return std::string(text::not_your_account);
  auto payer = accounts_.find(c.name);
  if (payer == accounts_.end())
    return std::string(text::not_your_account);
  auto v = parse_amount(c.amount, cfg_.check_amounts, cfg_.max_amount);
  if (!v)
    return std::string(text::bad_amount) + " from 1 to " + std::to_string(cfg_.max_amount);
  amount = *v;
  auto payee = accounts_.find(c.payee);
  if (payee == accounts_.end() || payee->second.key.empty())
    return std::string(text::no_payee);
  if (!online(c.payee))
    return std::string(text::payee_offline);
  if (payer->second.balance < amount)
    return std::string(text::balance_low);
  return std::nullopt;
}

std::optional<reply> server::pay(link& l, const parsed_command& c, context& ctx) {
  if (!l.user) {
    ctx.emit("PayRefused", {{"from", l.ch.peer}, {"reason", "not logged in"}});
    return reply{0, text::auth_fail, {}};
  }
  std::int64_t amount = 0;
  if (auto why = pay_refusal(l, c, amount)) {
    ctx.emit("PayRefused", {{"user", *l.user},
                            {"payer", c.name},
                            {"payee", c.payee},
                            {"amount", c.amount},
                            {"reason", *why}});
    return reply{0, *why, {}};
  }
  token t{ctx.rng().generate(token_id_size), c.name, c.payee, amount,
          (ctx.now() + cfg_.token_lifetime).count()};
  auto payload = encode(t);
  if (!payload)
    return reply{0, "FAIL: " + payload.error().message(), {}};
  // Every check passed: the money is reserved now, in this actor; only the
  // signature (stateless) is made elsewhere, and the answer follows it.
  accounts_[c.name].balance -= amount;
  reserved_[t.id] = {c.name, c.payee, amount, ctx.now() + cfg_.token_lifetime};
  expiries_.insert({ctx.now() + cfg_.token_lifetime, t.id});
  arm(ctx.now() + cfg_.token_lifetime, ctx);
  ctx.emit("TokenIssued", {{"token", short_id(t.id)},
                           {"user", *l.user},
                           {"payer", c.name},
                           {"payee", c.payee},
                           {"amount", std::to_string(amount)},
                           {"expires", std::to_string((ctx.now() + cfg_.token_lifetime).count())}});
  auto n = ++signed_;
  signing_[n] = {l.ch.id, l.last_request, accounts_[c.payee].address};
  ctx.offload({"sign", n}, [key = key_, b = std::move(*payload)](crypto::rng& r) -> std::any {
    return encode(signed_blob{b, key.sign(r, b)});
  });
  return std::nullopt;
}

void server::on_work_done(const timer_id& id, std::any done, context& ctx) {
  auto i = signing_.find(id.index);
  if (id.purpose != "sign" || i == signing_.end())
    return participant_core::on_work_done(id, std::move(done), ctx);
  auto s = std::move(i->second);
  signing_.erase(i);
  auto* l = find_link(s.channel);
  if (!l || l->last_request != s.request)
    return ctx.emit("ReplyDropped",
                    {{"request", std::to_string(s.request)},
                     {"reason", "the channel moved on while the token was signed"}});
  auto blob = std::any_cast<crypto::result<bytes>>(std::move(done));
  if (!blob)
    return send_reply(*l, reply{0, "FAIL: " + blob.error().message(), {}}, ctx);
  send_reply(*l, reply{0, std::string(text::pay_ok) + s.address, std::move(*blob)}, ctx);
}

reply server::redeem(link& l, const request& rq, context& ctx) {
  auto refuse = [&](const std::string& reason, const std::string& token_id) {
    ctx.emit("RedeemRefused", {{"from", l.ch.peer}, {"token", token_id}, {"reason", reason}});
    return reply{0, "FAIL: " + reason, {}};
  };
  if (!l.user)
    return refuse("not logged in", "");
  auto blob = decode_signed_blob(rq.attachment);
  if (!blob || !key_.public_key().verify(blob->payload, blob->signature))
    return refuse("not a token this server signed", "");
  auto t = decode_token(blob->payload);
  if (!t)
    return refuse("not a token this server signed", "");
  if (t->payee != *l.user)
    return refuse("not your token", short_id(t->id));
  if (auto s = settled_.find(t->id); s != settled_.end()) {
    if (!cfg_.single_use_tokens)
      return settle(t->id, *t, ctx); // the seed's mistake, on purpose: paid again
    ctx.emit("RedeemRepeated", {{"token", short_id(t->id)}, {"payee", t->payee}});
    notify_payer(s->second.payer, t->id, "settled", s->second.amount, ctx);
    return {0, "SETTLED#" + std::to_string(s->second.amount), {}};
  }
  auto r = reserved_.find(t->id);
  if (r == reserved_.end())
    return refuse("expired", short_id(t->id));
  if (r->second.expires < ctx.now()) {
    expire_due(ctx);
    return refuse("expired", short_id(t->id));
  }
  return settle(t->id, *t, ctx);
}

reply server::settle(const bytes& id, const token& t, context& ctx) {
  reservation paid{t.payer, t.payee, t.amount, {}};
  if (auto r = reserved_.find(id); r != reserved_.end()) {
    paid = r->second; // what was reserved is what moves
    expiries_.erase({r->second.expires, id});
    reserved_.erase(r);
  }
  accounts_[paid.payee].balance += paid.amount;
  settled_[id] = paid;
  if (expiries_.empty() && armed_) { // nothing left to expire: let the run end
    ctx.cancel_timer({expiry_timer, 0});
    armed_.reset();
  }
  ctx.emit("TokenSettled", {{"token", short_id(id)},
                            {"payer", paid.payer},
                            {"payee", paid.payee},
                            {"amount", std::to_string(paid.amount)}});
  notify_payer(paid.payer, id, "settled", paid.amount, ctx);
  return {0, "SETTLED#" + std::to_string(paid.amount), {}};
}

void server::notify_payer(const std::string& payer, const bytes& id, const std::string& outcome,
                          std::int64_t amount, context& ctx) {
  auto a = accounts_.find(payer);
  if (a == accounts_.end() || !a->second.channel)
    return;
  if (auto* l = find_link(*a->second.channel))
    send_on(*l, kind::settled, encode(settlement{id, outcome, amount}), ctx);
}

void server::arm(sim_time deadline, context& ctx) {
  if (armed_ && *armed_ <= deadline)
    return;
  armed_ = deadline;
  ctx.set_timer({expiry_timer, 0}, deadline - ctx.now());
}

void server::expire_due(context& ctx) {
  armed_.reset();
  while (!expiries_.empty() && expiries_.begin()->first <= ctx.now()) {
    auto id = expiries_.begin()->second;
    expiries_.erase(expiries_.begin());
    auto r = reserved_.find(id);
    if (r == reserved_.end())
      continue;
    auto res = r->second;
    reserved_.erase(r);
    accounts_[res.payer].balance += res.amount;
    ctx.emit(
      "ReservationExpired",
      {{"token", short_id(id)}, {"payer", res.payer}, {"amount", std::to_string(res.amount)}});
    notify_payer(res.payer, id, "expired", res.amount, ctx);
  }
  if (!expiries_.empty())
    arm(expiries_.begin()->first, ctx);
}

void server::on_timer(const timer_id& id, context& ctx) {
  if (id.purpose != expiry_timer)
    return participant_core::on_timer(id, ctx);
  expire_due(ctx);
}

} // namespace protobed::micropay
