// The OPD's orders: open the record, read the signed order, pick the key on
// file, check the signature (off the actor with workers), then decide in
// the actor, one order at a time: nonce, freshness, quantity, stock. Only a
// decision made after every check changes state, and it is recorded once
// per (customer, nonce); a resent order gets the recorded receipt.
#include "actors/purchase/opd.hpp"

#include "crypto/hash.hpp"

namespace protobed::purchase {

namespace {

const char* shipped_subject = "order shipped";

/// The key for decisions_: (customer, nonce), or with check_nonces off a key
/// that never repeats (so the same order can be processed again).
std::pair<std::string, bytes> decision_key(const order& o, bool check_nonces, std::uint64_t n) {
  bytes k = o.nonce;
  if (!check_nonces)
    for (int i = 0; i < 8; ++i)
      k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return {o.customer, k};
}

} // namespace

void opd::on_order(const packet& p, context& ctx) {
  auto rec = services::decode_record(p.bytes);
  if (!rec)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", rec.error().message()}});
  auto* st = find_session(rec->session, p, ctx);
  if (!st)
    return;
  auto opened = st->s.open(p.kind.c_str(), *rec, cfg_.check_replays);
  if (!opened.payload)
    return ctx.emit(opened.why == services::session::refusal::replayed ? "ReplayRejected"
                                                                       : "RecordInvalid",
                    {{"kind", p.kind}, {"from", p.from}});
  arriving a{rec->session, std::move(*opened.payload), {}};
  auto blob = decode_signed_blob(a.signed_order);
  auto o = blob ? decode_order(blob->payload) : result<order>(blob.error());
  if (!o)
    return refuse_unrecorded(a, "malformed order: " + o.error().message(), ctx);
  a.o = std::move(*o);
  if (auto why = order_refusal(a.o, *st, ctx.now()))
    return refuse_unrecorded(a, *why, ctx);
  if (cfg_.check_nonces) {
    auto d = decisions_.find({a.o.customer, a.o.nonce});
    if (d != decisions_.end()) { // sent again: the recorded outcome, never a second decision
      ctx.emit("OrderRepeated", {{"customer", a.o.customer},
                                 {"order", short_id(a.o.nonce)},
                                 {"number", std::to_string(d->second.number)}});
      d->second.session = a.session;
      if (!d->second.receipt.empty())
        send_receipt(d->second, ctx);
      return;
    }
  }
  if (!cfg_.check_signatures) {
    arriving_[++work_] = std::move(a);
    return decide(work_, true, ctx);
  }
  const auto* acct = account(a.o.customer);
  std::optional<crypto::verifying_key> key;
  if (!cfg_.key_on_file && !a.o.carried_key.empty()) { // the seed's way
    auto carried = crypto::verifying_key::from_der(a.o.scheme, a.o.carried_key);
    if (carried)
      key = *carried;
  } else if (const auto* on_file = dir_.verifying_key(acct->participant)) {
    key = *on_file;
  }
  if (!key)
    return refuse_unrecorded(a, "no key on file for " + a.o.customer, ctx);
  if (key->scheme() != a.o.scheme)
    return refuse_unrecorded(a,
                             std::string("signed with ") + crypto::to_string(a.o.scheme) +
                               ", not the scheme of the key on file",
                             ctx);
  auto b = *blob;
  arriving_[++work_] = std::move(a);
  ctx.offload({"verify", work_},
              [k = *key, b](crypto::rng&) { return std::any(k.verify(b.payload, b.signature)); });
}

/// Refusals that need no signature check and record nothing.
std::optional<std::string> opd::order_refusal(const order& o, const session_state& st,
                                              sim_time now) const {
  if (!account(o.customer))
    return "unknown customer";
  if (cfg_.check_sessions && !st.authenticated)
    return "not logged in";
  if (cfg_.check_sessions && st.expires < now)
    return "session expired";
  if (cfg_.check_sessions && o.customer != st.customer)
    return "not this session's customer";
  if (cfg_.key_on_file && !o.carried_key.empty())
    return "carries a public key: only the key on file counts";
  return std::nullopt;
}

void opd::decide(std::uint64_t n, bool signature_ok, context& ctx) {
  auto i = arriving_.find(n);
  if (i == arriving_.end())
    return;
  arriving a = std::move(i->second);
  arriving_.erase(i);
  if (!signature_ok)
    return refuse_unrecorded(a, "bad signature", ctx);
  if (cfg_.check_nonces && decisions_.count({a.o.customer, a.o.nonce})) {
    ctx.emit("OrderRepeated", {{"customer", a.o.customer}, {"order", short_id(a.o.nonce)}});
    return; // two copies checked at once: the first decided, its receipt answers both
  }
  auto age = ctx.now() - sim_time(a.o.time);
  if (cfg_.check_freshness && (age > cfg_.freshness || age < -cfg_.freshness))
    return record(std::move(a), "refused", "stale timestamp", ctx);
  if (cfg_.check_freshness && signed_before_restart(a.o))
    return record(std::move(a), "refused", "signed before the OPD started", ctx);
  if (a.o.quantity < 1 || a.o.quantity > cfg_.max_quantity)
    return record(std::move(a), "refused", "bad quantity", ctx);
  auto why = stock_refusal(a.o);
  if (!why.empty())
    return record(std::move(a), "refused", why, ctx);
  stock_[a.o.item] -= a.o.quantity;
  record(std::move(a), "accepted", "", ctx);
}

/// An OPD that started after the run began restarted with nothing: it
/// cannot know the orders signed before, so it refuses them rather than
/// risk a second shipment. At the run's first start nothing was decided yet.
bool opd::signed_before_restart(const order& o) const {
  return started_ && *started_ > sim_time{} && sim_time(o.time) < *started_;
}

std::string opd::stock_refusal(const order& o) const {
  auto s = stock_.find(o.item);
  if (s == stock_.end())
    return "no such item";
  if (cfg_.check_stock && s->second < static_cast<std::int64_t>(o.quantity))
    return "out of stock";
  return {};
}

void opd::record(arriving a, const std::string& outcome, const std::string& reason, context& ctx) {
  auto number = ++orders_;
  auto key = decision_key(a.o, cfg_.check_nonces, number);
  decisions_[key] = decision{number, outcome, reason, {}, a.session};
  const auto* acct = account(a.o.customer);
  if (outcome == "accepted") {
    ctx.emit("OrderAccepted", {{"customer", a.o.customer},
                               {"account", acct->participant},
                               {"email", acct->email},
                               {"order", short_id(a.o.nonce)},
                               {"item", a.o.item},
                               {"quantity", std::to_string(a.o.quantity)},
                               {"number", std::to_string(number)},
                               {"stock_left", std::to_string(stock_[a.o.item])}});
    mail_.send(acct->email, shipped_subject,
               "Your order " + std::to_string(number) + " (" + std::to_string(a.o.quantity) +
                 " x " + a.o.item + ") has been shipped.",
               ctx.self() + "#" + std::to_string(number), ctx);
  } else {
    ctx.emit("OrderRefused", {{"customer", a.o.customer},
                              {"order", short_id(a.o.nonce)},
                              {"number", std::to_string(number)},
                              {"reason", reason}});
  }
  sign_receipt(key, receipt{a.o.customer, crypto::sha256(a.signed_order), number, outcome, reason},
               ctx);
}

void opd::sign_receipt(const std::pair<std::string, bytes>& key, const receipt& r, context& ctx) {
  signing_[++work_] = key;
  ctx.offload({"receipt", work_}, [k = key_, payload = encode(r)](crypto::rng& rng) {
    if (!payload)
      return std::any(bytes{});
    auto blob = crypto::encode(signed_blob{*payload, k.sign(rng, *payload)});
    return std::any(blob ? *blob : bytes{});
  });
}

void opd::send_receipt(const decision& d, context& ctx) {
  auto s = sessions_.find(d.session);
  if (s == sessions_.end() || d.receipt.empty())
    return;
  if (auto rec = s->second.s.seal(ctx.rng(), kind::receipt, d.receipt))
    ctx.send(s->second.peer, kind::receipt, std::move(*rec));
}

/// A refusal before any decision (bad signature, wrong session, malformed):
/// signed and sent, but nothing is recorded, so the customer's real order
/// with the same nonce is still decided on its own.
void opd::refuse_unrecorded(const arriving& a, const std::string& reason, context& ctx) {
  ctx.emit("OrderRefused", {{"customer", a.o.customer},
                            {"order", a.o.nonce.empty() ? "" : short_id(a.o.nonce)},
                            {"number", "0"},
                            {"reason", reason}});
  auto s = sessions_.find(a.session);
  if (s == sessions_.end())
    return;
  auto payload =
    encode(receipt{a.o.customer, crypto::sha256(a.signed_order), 0, "refused", reason});
  if (!payload)
    return;
  auto blob = crypto::encode(signed_blob{*payload, key_.sign(ctx.rng(), *payload)});
  if (auto rec = s->second.s.seal(ctx.rng(), kind::receipt, blob))
    ctx.send(s->second.peer, kind::receipt, std::move(*rec));
}

} // namespace protobed::purchase
