// The OPD's orders: open the record, read the signed order, pick the key on
// file, check the signature (off the actor with workers), then decide in
// the actor, one order at a time: nonce, freshness, quantity, stock. Only a
// decision made after every check changes state, and it is recorded once
// per (customer, nonce) in the order book; a resent order gets the recorded
// receipt. Receipts are signed off the actor, and only for sessions that
// logged in: a stranger's order costs no signature.
#include "actors/purchase/opd.hpp"

#include "actors/runtime/time.hpp"
#include "crypto/hash.hpp"

namespace protobed::purchase {

namespace {

const char* shipped_subject = "order shipped";

/// The key for the book's decisions: (customer, nonce), or with check_nonces
/// off a key that never repeats (so the same order can be processed again).
std::pair<std::string, bytes> decision_key(const order& o, bool check_nonces, std::uint64_t n) {
  bytes k = o.nonce;
  if (!check_nonces)
    for (int i = 0; i < 8; ++i)
      k.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  return {o.customer, k};
}

/// Signs an encoded receipt with the OPD's key: work for a worker.
work_fn signer(const crypto::rsa_private_key& key, result<bytes> payload) {
  return [key, payload = std::move(payload)](crypto::rng& rng) {
    if (!payload)
      return std::any(bytes{});
    auto blob = crypto::encode(signed_blob{*payload, key.sign(rng, *payload)});
    return std::any(blob ? *blob : bytes{});
  };
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
  if (auto why = order_refusal(a.o, *st))
    return refuse_unrecorded(a, *why, ctx);
  // An expired session is still answered for an order already decided (a
  // resend whose receipt was lost), once its signature holds: never with a
  // refusal for an order that shipped.
  a.expired = cfg_.check_sessions && st->expires < ctx.now();
  auto* d = cfg_.check_nonces ? decision_for(a.o) : nullptr;
  if (a.expired && !d && !(cfg_.check_nonces && being_checked(a.o)))
    return refuse_unrecorded(a, "session expired", ctx);
  if (d && !a.expired) // sent again: the recorded outcome, never a second decision
    return answer_repeat(*d, a, ctx);
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

/// Refusals that need no signature check and record nothing. An expired
/// session is not one of them: see on_order.
std::optional<std::string> opd::order_refusal(const order& o, const session_state& st) const {
  if (!account(o.customer))
    return "unknown customer";
  if (cfg_.check_sessions && !st.authenticated)
    return "not logged in";
  if (cfg_.check_sessions && o.customer != st.customer)
    return "not this session's customer";
  if (cfg_.key_on_file && !o.carried_key.empty())
    return "carries a public key: only the key on file counts";
  return std::nullopt;
}

order_decision* opd::decision_for(const order& o) {
  auto d = book_->decisions.find({o.customer, o.nonce});
  return d == book_->decisions.end() ? nullptr : &d->second;
}

bool opd::being_checked(const order& o) const {
  for (const auto& [n, a] : arriving_)
    if (a.o.customer == o.customer && a.o.nonce == o.nonce)
      return true;
  return false;
}

/// An order already decided, sent again: the recorded receipt, to the
/// session it came in this time (once signed), never a second decision.
void opd::answer_repeat(order_decision& d, const arriving& a, context& ctx) {
  std::vector<std::pair<std::string, std::string>> details = {
    {"customer", a.o.customer},
    {"order", short_id(a.o.nonce)},
    {"number", std::to_string(d.content.number)}};
  if (a.expired)
    details.emplace_back("session", "expired");
  ctx.emit("OrderRepeated", std::move(details));
  d.session = a.session;
  send_receipt(d, ctx);
}

void opd::decide(std::uint64_t n, bool signature_ok, context& ctx) {
  auto i = arriving_.find(n);
  if (i == arriving_.end())
    return;
  arriving a = std::move(i->second);
  arriving_.erase(i);
  if (!signature_ok)
    return refuse_unrecorded(a, "bad signature", ctx);
  if (auto* d = cfg_.check_nonces ? decision_for(a.o) : nullptr)
    return answer_repeat(*d, a, ctx); // decided while this copy was checked, or long before
  if (a.expired)
    return decide_expired(a, ctx);
  // Before staleness: an order that may have shipped from a lost book is
  // never refused, however old.
  if (cfg_.check_freshness && predates_book(a.o.time)) {
    if (cfg_.answer_unknown)
      return record(std::move(a), "unknown", "may have shipped before the order book was lost",
                    ctx);
    return record(std::move(a), "refused", "signed before the OPD started", ctx);
  }
  auto age = ctx.now() - sim_time(a.o.time);
  if (cfg_.check_freshness && (age > cfg_.freshness || age < -cfg_.freshness))
    return record(std::move(a), "refused", "stale timestamp", ctx);
  if (a.o.quantity < 1 || a.o.quantity > cfg_.max_quantity)
    return record(std::move(a), "refused", "bad quantity", ctx);
  auto why = stock_refusal(a.o);
  if (!why.empty())
    return record(std::move(a), "refused", why, ctx);
  book_->stock[a.o.item] -= a.o.quantity;
  record(std::move(a), "accepted", "", ctx);
}

/// An order in an expired session with no decision: a copy still being
/// checked will answer it; else it is refused as any order in an expired
/// session is.
void opd::decide_expired(const arriving& a, context& ctx) {
  if (being_checked(a.o))
    return ctx.emit("OrderRepeated", {{"customer", a.o.customer},
                                      {"order", short_id(a.o.nonce)},
                                      {"session", "expired"},
                                      {"decision", "pending"}});
  refuse_unrecorded(a, "session expired", ctx);
}

/// A book that replaced a lost one (a restart without durable_orders) cannot
/// know what was signed before it opened: orders that may have shipped,
/// logins that may have been taken. Nor, with skew_margin, what was signed
/// within the freshness window after: a clock ahead by less than the window
/// signed those times before the restart. The run's first book has nothing
/// before it, and a book found again on disk knows every decision and every
/// login still fresh.
bool opd::predates_book(std::int64_t signed_time) const {
  const auto& opened = book_->opened;
  if (!book_->replaced_lost || !opened)
    return false;
  return sim_time(signed_time) < *opened + (cfg_.skew_margin ? cfg_.freshness : sim_time{});
}

std::string opd::stock_refusal(const order& o) const {
  auto s = book_->stock.find(o.item);
  if (s == book_->stock.end())
    return "no such item";
  if (cfg_.check_stock && s->second < static_cast<std::int64_t>(o.quantity))
    return "out of stock";
  return {};
}

void opd::record(arriving a, const std::string& outcome, const std::string& reason, context& ctx) {
  auto number = ++book_->orders;
  auto key = decision_key(a.o, cfg_.check_nonces, number);
  book_->decisions[key] = order_decision{
    receipt{a.o.customer, crypto::sha256(a.signed_order), number, outcome, reason}, {}, a.session};
  const auto* acct = account(a.o.customer);
  std::vector<std::pair<std::string, std::string>> d = {
    {"customer", a.o.customer}, {"order", short_id(a.o.nonce)}, {"number", std::to_string(number)}};
  if (outcome == "accepted") {
    auto ref = mail_ref(number, ctx);
    d.insert(d.end(), {{"account", acct->participant},
                       {"email", acct->email},
                       {"item", a.o.item},
                       {"quantity", std::to_string(a.o.quantity)},
                       {"stock_left", std::to_string(book_->stock[a.o.item])},
                       {"ref", ref}});
    ctx.emit("OrderAccepted", std::move(d));
    book_->outbox.send(acct->email, shipped_subject,
                       "Your order " + std::to_string(number) + " (" +
                         std::to_string(a.o.quantity) + " x " + a.o.item + ") has been shipped.",
                       ref, ctx);
  } else {
    d.emplace_back("reason", reason);
    ctx.emit(outcome == "unknown" ? "OrderUnknown" : "OrderRefused", std::move(d));
  }
  sign_receipt(key, ctx);
}

std::string opd::mail_ref(std::uint64_t number, context& ctx) const {
  auto ref = ctx.self() + "#" + std::to_string(number);
  if (book_->replaced_lost && book_->opened)
    ref += "@" + format_duration(*book_->opened);
  return ref;
}

void opd::sign_receipt(const std::pair<std::string, bytes>& key, context& ctx) {
  const auto& d = book_->decisions.at(key);
  signing_[++work_] = key;
  ctx.offload({"receipt", work_}, signer(key_, encode(d.content)));
}

void opd::finish_receipt(std::uint64_t n, bytes signed_receipt, context& ctx) {
  auto key = signing_.find(n);
  if (key == signing_.end())
    return;
  auto d = book_->decisions.find(key->second);
  signing_.erase(key);
  if (d == book_->decisions.end() || !d->second.signed_receipt.empty())
    return;
  d->second.signed_receipt = std::move(signed_receipt);
  send_receipt(d->second, ctx);
}

void opd::send_receipt(const order_decision& d, context& ctx) {
  auto s = sessions_.find(d.session);
  if (s == sessions_.end() || d.signed_receipt.empty())
    return;
  if (auto rec = s->second.s.seal(ctx.rng(), kind::receipt, d.signed_receipt))
    ctx.send(s->second.peer, kind::receipt, std::move(*rec));
}

/// A refusal before any decision (bad signature, wrong session, malformed):
/// nothing is recorded, so the customer's real order with the same nonce is
/// still decided on its own. A session that logged in gets a signed refusal,
/// signed off the actor; one that never did gets none: signing for anyone
/// who opens a session would hand out RSA work for free.
void opd::refuse_unrecorded(const arriving& a, const std::string& reason, context& ctx) {
  std::vector<std::pair<std::string, std::string>> d = {
    {"customer", a.o.customer},
    {"order", a.o.nonce.empty() ? "" : short_id(a.o.nonce)},
    {"number", "0"},
    {"reason", reason}};
  auto s = sessions_.find(a.session);
  bool answer = s != sessions_.end() && s->second.authenticated;
  if (!answer)
    d.emplace_back("answer", "none");
  ctx.emit("OrderRefused", std::move(d));
  if (!answer)
    return;
  refusals_[++work_] = a.session;
  ctx.offload({"refusal", work_},
              signer(key_, encode(receipt{a.o.customer, crypto::sha256(a.signed_order), 0,
                                          "refused", reason})));
}

void opd::finish_refusal(std::uint64_t n, bytes signed_receipt, context& ctx) {
  auto i = refusals_.find(n);
  if (i == refusals_.end())
    return;
  auto s = sessions_.find(i->second);
  refusals_.erase(i);
  if (s == sessions_.end() || signed_receipt.empty())
    return;
  if (auto rec = s->second.s.seal(ctx.rng(), kind::receipt, signed_receipt))
    ctx.send(s->second.peer, kind::receipt, std::move(*rec));
}

} // namespace protobed::purchase
