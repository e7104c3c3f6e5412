#include "actors/ecommerce/merchant.hpp"

#include "actors/ecommerce/sealing.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

merchant::merchant(merchant_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {}

void merchant::on_packet(const packet& p, context& ctx) {
  if (p.kind == kind::setup)
    on_setup(p, ctx);
  else if (p.kind == kind::pm_po)
    on_pm_po(p, ctx);
  else if (p.kind == kind::bank_reply)
    on_bank_reply(p, ctx);
  else
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
}

void merchant::on_setup(const packet& p, context& ctx) {
  auto body = crypto::open(ctx.rng(), key_, p.bytes, kind::setup);
  auto req = and_then(body, decode_setup_request);
  auto client_key =
    and_then(req, [](const auto& v) { return crypto::rsa_public_key::from_der(v.session_key); });
  if (!client_key) {
    ctx.emit("SetupRejected", {{"from", p.from}, {"reason", client_key.error().message()}});
    return;
  }
  auto price = cfg_.catalogue.find(req->item);
  if (price == cfg_.catalogue.end()) {
    ctx.emit("SetupRejected", {{"client", req->client}, {"reason", "unknown-item"}});
    return;
  }
  if (sessions_.count(req->nonce)) {
    ctx.emit("ReplayRejected", {{"kind", p.kind}, {"reason", "nonce-seen"}});
    return;
  }
  auto tid = ctx.rng().generate(tid_size);
  tid_statement st{tid, req->item, price->second, client_key->fingerprint(), ctx.self()};
  auto signed_tid = sign_blob(ctx.rng(), key_, encode(st));
  auto reply = and_then(signed_tid, [&](const signed_blob& b) {
    return seal_keyed(ctx.rng(), req->reply_key, kind::setup_reply, req->nonce, encode(b));
  });
  if (!reply) {
    ctx.emit("SetupRejected", {{"client", req->client}, {"reason", reply.error().message()}});
    return;
  }
  sessions_.emplace(req->nonce, session{p.from,
                                        *client_key,
                                        req->reply_key,
                                        req->nonce,
                                        tid,
                                        req->item,
                                        price->second,
                                        state::open,
                                        sessions_.size() + 1,
                                        {},
                                        0});
  tids_[tid] = req->nonce;
  ctx.emit("TidIssued", {{"tid", crypto::to_hex(tid)},
                         {"client_key", crypto::to_hex(client_key->fingerprint())},
                         {"client", req->client},
                         {"item", req->item},
                         {"amount", std::to_string(price->second)}});
  ctx.send(p.from, kind::setup_reply, std::move(*reply));
}

void merchant::reject_po(const std::string& why, const bytes& nonce, context& ctx) {
  ctx.emit("PoRejected", {{"nonce", crypto::to_hex(nonce)}, {"reason", why}});
}

std::string merchant::check_po(const session& s, const pm_po& msg, const purchase_order& po) {
  if (cfg_.verify_signatures && !verify_blob(s.client_key, msg.po))
    return "bad-signature";
  if (cfg_.check_tid && (po.tid != s.tid || s.st != state::open))
    return po.tid != s.tid ? "unknown-tid" : "tid-not-open";
  if (po.item != s.item || po.amount != s.amount)
    return "amount-mismatch";
  return "";
}

void merchant::on_pm_po(const packet& p, context& ctx) {
  auto outer = decode_keyed_body(p.bytes);
  auto sit = outer ? sessions_.find(outer->nonce) : sessions_.end();
  if (sit == sessions_.end()) {
    ctx.emit("PoRejected", {{"from", p.from}, {"reason", "unknown-session"}});
    return;
  }
  auto& s = sit->second;
  auto body = open_keyed(s.reply_key, kind::pm_po, *outer);
  auto msg = and_then(body, decode_pm_po);
  auto po = and_then(msg, [](const pm_po& m) { return decode_purchase_order(m.po.payload); });
  if (!po)
    return reject_po("malformed: " + po.error().message(), s.nonce, ctx);
  if (auto why = check_po(s, *msg, *po); !why.empty())
    return reject_po(why, s.nonce, ctx);
  merchant_claim claim{po->tid, po->amount, s.client_key.fingerprint(), ctx.self()};
  auto signed_claim = sign_blob(ctx.rng(), key_, encode(claim));
  auto fwd = and_then(signed_claim, [&](const signed_blob& c) {
    return encode(pm_forward{msg->sealed_pm, c});
  });
  if (!fwd)
    return reject_po("cannot-forward: " + fwd.error().message(), s.nonce, ctx);
  s.st = state::forwarded;
  s.claim = *signed_claim;
  if (cfg_.resolve)
    ctx.set_timer({"resolve", s.number}, cfg_.timeout);
  ++forwarded_;
  ctx.emit("PaymentForwarded",
           {{"tid", crypto::to_hex(po->tid)}, {"amount", std::to_string(po->amount)}});
  ctx.send(cfg_.bank, kind::pm_forward, std::move(*fwd));
}

void merchant::on_bank_reply(const packet& p, context& ctx) {
  auto blob = decode_signed_blob(p.bytes);
  const auto* bank_key = dir_.public_key(cfg_.bank);
  if (!blob || (cfg_.verify_signatures && (!bank_key || !verify_blob(*bank_key, *blob)))) {
    ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  auto st = decode_outcome_statement(blob->payload);
  auto tid = st ? tids_.find(st->tid) : tids_.end();
  // Tids are per merchant: the bank's word on another merchant's tid of the
  // same value (a resolution by that merchant) is not about this sale.
  if (tid != tids_.end() && cfg_.check_tid && st->merchant != ctx.self()) {
    ctx.emit("OutcomeRejected", {{"kind", p.kind}, {"reason", "another-merchant"}});
    return;
  }
  if (tid == tids_.end()) {
    ctx.emit("UnknownTid", {{"kind", p.kind}});
    return;
  }
  auto& s = sessions_.at(tid->second);
  ctx.cancel_timer({"resolve", s.number});
  auto relay = seal_keyed(ctx.rng(), s.reply_key, kind::outcome, s.nonce, encode(*blob));
  bool first = s.st != state::closed; // a repeated answer is relayed, never shipped twice
  s.st = state::closed;
  if (first && st->result.committed()) {
    ++shipped_;
    ctx.emit(
      "OrderShipped",
      {{"tid", crypto::to_hex(st->tid)}, {"item", s.item}, {"amount", std::to_string(s.amount)}});
  }
  if (!relay) {
    ctx.emit("SendFailed", {{"kind", kind::outcome}, {"reason", relay.error().message()}});
    return;
  }
  ctx.emit("OutcomeRelayed", {{"tid", crypto::to_hex(st->tid)}, {"outcome", st->result.text()}});
  ctx.send(s.client, kind::outcome, std::move(*relay));
}

merchant::session* merchant::by_number(std::uint64_t n) {
  for (auto& [nonce, s] : sessions_)
    if (s.number == n)
      return &s;
  return nullptr;
}

void merchant::on_timer(const timer_id& id, context& ctx) {
  auto* s = id.purpose == "resolve" ? by_number(id.index) : nullptr;
  if (!s || s->st != state::forwarded)
    return participant_core::on_timer(id, ctx);
  if (s->resolutions > cfg_.resolution_retries) {
    ctx.emit("ResolutionFailed", {{"tid", crypto::to_hex(s->tid)}, {"reason", "no-answer"}});
    return;
  }
  resolve(*s, ctx);
}

void merchant::resolve(session& s, context& ctx) {
  auto claim = decode_merchant_claim(s.claim.payload);
  auto req = and_then(claim, [&](const merchant_claim& c) {
    return sign_blob(ctx.rng(), key_, encode(merchant_resolve{c}));
  });
  auto bytes = and_then(req, [](const signed_blob& b) { return encode(b); });
  if (!bytes) {
    ctx.emit("ResolutionFailed",
             {{"tid", crypto::to_hex(s.tid)}, {"reason", bytes.error().message()}});
    return;
  }
  ++s.resolutions;
  ctx.emit(s.resolutions == 1 ? "ResolutionUsed" : "ResolutionRetried",
           {{"tid", crypto::to_hex(s.tid)}, {"attempt", std::to_string(s.resolutions)}});
  ctx.send(cfg_.bank, kind::merchant_resolve, std::move(*bytes));
  // Back off as the client does: timeout, 2x, 4x, 8x, then 16x.
  auto backoff = cfg_.timeout * (std::int64_t{1} << std::min<std::int64_t>(s.resolutions - 1, 4));
  ctx.set_timer({"resolve", s.number}, backoff);
}

observation merchant::observe() const {
  observation o;
  o.numbers["sessions"] = static_cast<std::int64_t>(sessions_.size());
  o.numbers["forwarded"] = forwarded_;
  o.numbers["shipped"] = shipped_;
  return o;
}

} // namespace protobed::ecommerce
