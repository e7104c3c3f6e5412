#include "actors/purchase/customer.hpp"

#include <limits>

#include "crypto/envelope.hpp"
#include "crypto/hash.hpp"

namespace protobed::purchase {

namespace {
const timer_id login_timer{"login", 0};
const timer_id order_timer{"order", 0};
} // namespace

customer::customer(customer_config cfg, crypto::signing_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {}

void customer::on_command(const command& c, context& ctx) {
  if (c.verb == "login")
    return start_login(c.arg("id", cfg_.id), c.arg("password", cfg_.password), ctx);
  if (c.verb == "order")
    return queue_order(c, ctx);
  participant_core::on_command(c, ctx);
}

void customer::queue_order(const command& c, context& ctx) {
  // Both were checked when the scenario was read (an amount, a count); an
  // order carries its quantity in 32 bits, and a larger one is refused, never cut.
  auto quantity = std::stoull(c.arg("quantity", "1"));
  if (quantity > std::numeric_limits<std::uint32_t>::max())
    return ctx.emit(
      "CommandRejected",
      {{"verb", c.verb},
       {"reason", "quantity " + std::to_string(quantity) +
                    " is more than an order carries (at most " +
                    std::to_string(std::numeric_limits<std::uint32_t>::max()) + ")"}});
  orders_.push_back(
    {c.arg("item"), static_cast<std::uint32_t>(quantity), std::stoull(c.arg("count", "1"))});
  if (!current_)
    next_order(ctx);
}

void customer::start_login(const std::string& id, const std::string& password, context& ctx) {
  const auto* opd_key = dir_.public_key(cfg_.opd);
  if (!opd_key)
    return ctx.emit("LoginFailed", {{"customer", id}, {"reason", "no key on file for the OPD"}});
  login l{ctx.rng().generate(services::session_id_size),
          ctx.rng().generate(services::session_secret_size),
          id,
          password,
          clock(ctx).count(),
          ctx.rng().generate(nonce_size)};
  auto s = services::session::derive(session_label, l.session, l.secret, true);
  auto payload = encode(l);
  auto sealed = payload ? crypto::seal(ctx.rng(), *opd_key, *payload, byte_view(kind::login))
                        : result<bytes>(payload.error());
  if (!s || !sealed)
    return ctx.emit("LoginFailed", {{"customer", id}, {"reason", "cannot seal the login"}});
  session_ = std::move(*s);
  logged_in_ = false;
  login_id_ = id;
  login_ = std::move(*sealed);
  login_attempts_ = 0;
  ctx.emit("LoginStarted", {{"customer", id}});
  ctx.send(cfg_.opd, kind::login, login_);
  ctx.set_timer(login_timer, cfg_.timeout);
}

void customer::on_packet(const packet& p, context& ctx) {
  auto rec = services::decode_record(p.bytes);
  if (!rec || !session_ || rec->session != session_->id())
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown session"}});
  auto opened = session_->open(p.kind.c_str(), *rec, true);
  if (!opened.payload)
    return ctx.emit(opened.why == services::session::refusal::replayed ? "ReplayRejected"
                                                                       : "RecordInvalid",
                    {{"kind", p.kind}, {"from", p.from}});
  if (p.kind == kind::welcome)
    return on_welcome(*opened.payload, ctx);
  if (p.kind == kind::receipt)
    return on_receipt(*opened.payload, ctx);
  ctx.emit("PacketRejected", {{"kind", p.kind}, {"from", p.from}, {"reason", "unexpected kind"}});
}

void customer::on_welcome(const bytes& payload, context& ctx) {
  auto w = decode_welcome(payload);
  if (!w || logged_in_)
    return;
  ctx.cancel_timer(login_timer);
  if (w->outcome != "ok") {
    session_.reset();
    ctx.emit("LoginFailed", {{"customer", login_id_}, {"reason", w->reason}});
    while (!orders_.empty() && !current_) // what waited for this login cannot be placed
      next_order(ctx);
    return;
  }
  logged_in_ = true;
  ctx.emit("LoggedIn", {{"customer", login_id_}});
  if (!current_)
    next_order(ctx);
}

void customer::next_order(context& ctx) {
  if (orders_.empty())
    return;
  if (!logged_in_) {
    if (session_) // a login is under way: the order waits for it
      return;
    auto w = orders_.front();
    orders_.pop_front();
    ++failed_;
    ctx.emit("OrderFailed", {{"customer", cfg_.id}, {"item", w.item}, {"reason", "not logged in"}});
    return;
  }
  auto& w = orders_.front();
  order o{login_id_,     w.item, w.quantity, clock(ctx).count(), ctx.rng().generate(nonce_size),
          key_.scheme(), {}};
  if (cfg_.carry_key)
    o.carried_key = key_.public_key().to_der();
  if (--w.count == 0)
    orders_.pop_front();
  auto payload = encode(o);
  if (!payload)
    return;
  auto blob = crypto::encode(signed_blob{*payload, key_.sign(ctx.rng(), *payload)});
  if (!blob)
    return;
  current_ = in_flight{o.nonce, *blob, crypto::sha256(*blob), 0,
                       ctx.self() + "." + std::to_string(++placed_)};
  ctx.emit("OrderPlaced", {{"customer", o.customer},
                           {"purchase", current_->purchase},
                           {"order", short_id(o.nonce)},
                           {"item", o.item},
                           {"quantity", std::to_string(o.quantity)},
                           {"signature", crypto::to_string(o.scheme)}});
  send_order(ctx);
}

void customer::send_order(context& ctx) {
  // Without a session (its login was refused) nothing goes out; a new login
  // before the last attempt carries the order again.
  if (session_) {
    if (auto rec = session_->seal(ctx.rng(), kind::order, current_->signed_order))
      ctx.send(cfg_.opd, kind::order, std::move(*rec));
  }
  ctx.set_timer(order_timer, cfg_.timeout * (1 << std::min(current_->attempts, 5)));
}

void customer::on_receipt(const bytes& payload, context& ctx) {
  auto blob = decode_signed_blob(payload);
  const auto* opd_key = dir_.public_key(cfg_.opd);
  if (!blob ||
      (cfg_.verify_receipts && (!opd_key || !opd_key->verify(blob->payload, blob->signature))))
    return ctx.emit("ReceiptRejected", {{"reason", "not signed by the OPD"}});
  auto r = decode_receipt(blob->payload);
  if (!r)
    return ctx.emit("ReceiptRejected", {{"reason", r.error().message()}});
  // A genuine receipt, but not for the order in flight: named, never acted upon.
  auto ignored = [&](const std::string& reason) {
    ctx.emit("ReceiptIgnored",
             {{"reason", reason}, {"number", std::to_string(r->number)}, {"outcome", r->outcome}});
  };
  if (finished_.count(r->order_digest))
    return ignored("order already finished"); // a second answer (a resend was answered too)
  if (!current_ || (cfg_.verify_receipts && r->order_digest != current_->digest))
    return ignored("not for the order in flight");
  finish_order(r->outcome, std::to_string(r->number), r->reason, ctx);
}

void customer::finish_order(const std::string& outcome, const std::string& number,
                            const std::string& reason, context& ctx) {
  ctx.cancel_timer(order_timer);
  finished_.insert(current_->digest);
  (outcome == "accepted"  ? accepted_
   : outcome == "refused" ? refused_
   : outcome == "unknown" ? unknown_
                          : failed_) += 1;
  std::vector<std::pair<std::string, std::string>> d{{"customer", login_id_},
                                                     {"opd", cfg_.opd},
                                                     {"purchase", current_->purchase},
                                                     {"order", short_id(current_->nonce)},
                                                     {"outcome", outcome},
                                                     {"number", number}};
  if (!reason.empty())
    d.emplace_back("reason", reason);
  ctx.emit("OrderFinished", std::move(d));
  current_.reset();
  next_order(ctx);
}

void customer::on_timer(const timer_id& id, context& ctx) {
  if (id == login_timer && session_ && !logged_in_) {
    if (++login_attempts_ > cfg_.retries) {
      session_.reset();
      ctx.emit("LoginFailed", {{"customer", login_id_}, {"reason", "no answer from the OPD"}});
      return next_order(ctx);
    }
    ctx.send(cfg_.opd, kind::login, login_); // the same login: the OPD answers it again
    ctx.set_timer(login_timer, cfg_.timeout);
    return;
  }
  if (id == order_timer && current_) {
    if (++current_->attempts > cfg_.retries)
      return finish_order("failed", "0", session_ ? "no answer from the OPD" : "not logged in",
                          ctx);
    send_order(ctx); // unchanged: same nonce, same signature
  }
}

observation customer::observe() const {
  observation o;
  o.numbers["orders_accepted"] = accepted_;
  o.numbers["orders_refused"] = refused_;
  o.numbers["orders_unknown"] = unknown_;
  o.numbers["orders_failed"] = failed_;
  o.numbers["logged_in"] = logged_in_ ? 1 : 0;
  return o;
}

} // namespace protobed::purchase
