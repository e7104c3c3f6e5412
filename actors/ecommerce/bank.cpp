#include "actors/ecommerce/bank.hpp"

#include "actors/ecommerce/sealing.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

namespace {

std::string hex(const bytes& b) {
  return crypto::to_hex(b);
}

} // namespace

bank::bank(bank_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {
  for (const auto& a : cfg_.accounts)
    initial_total_ += a.balance;
}

void bank::on_packet(const packet& p, context& ctx) {
  if (p.kind == kind::otp_request)
    on_otp_request(p, ctx);
  else if (p.kind == kind::pm_forward)
    on_pm_forward(p, ctx);
  else if (p.kind == kind::resolve)
    on_resolve(p, ctx);
  else if (p.kind == kind::merchant_resolve)
    on_merchant_resolve(p, ctx);
  else
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
}

account* bank::find_card(const std::string& card, const std::string& expiry) {
  for (auto& a : cfg_.accounts)
    if (!a.card.empty() && a.card == card && a.expiry == expiry)
      return &a;
  return nullptr;
}

account* bank::find_holder(const std::string& holder) {
  for (auto& a : cfg_.accounts)
    if (a.holder == holder)
      return &a;
  return nullptr;
}

void bank::on_otp_request(const packet& p, context& ctx) {
  auto body = crypto::open(ctx.rng(), key_, p.bytes, kind::otp_request);
  auto req = and_then(body, decode_otp_request);
  if (!req) {
    ctx.emit("EnvelopeRejected", {{"kind", p.kind}, {"reason", req.error().message()}});
    return;
  }
  // A replayed request would text the user another code and use up the
  // card's issue budget. The nonce makes the replay detectable.
  if (!otp_nonces_.insert(req->nonce).second && cfg_.unique_nonces) {
    ctx.emit("ReplayRejected", {{"kind", p.kind}, {"reason", "nonce-seen"}});
    return;
  }
  otp_status status{req->nonce, false, {}};
  auto* acct = find_card(req->card, req->expiry);
  const auto* gateway = dir_.public_key(cfg_.otp_provider);
  if (!acct)
    status.refusal = "unknown-card";
  else if (acct->phone.empty() || !gateway)
    status.refusal = "no-phone";
  else if (auto why = refuse_code(*acct, ctx))
    status.refusal = *why;
  else
    status.sent = text_code(*acct, req->nonce, *gateway, ctx);
  if (!status.sent && status.refusal.empty())
    status.refusal = "sms-failed";
  if (!status.sent)
    ctx.emit("OtpRefused", {{"client", req->client}, {"reason", status.refusal}});
  auto reply = sign_blob(ctx.rng(), key_, encode(status));
  send_or_report(p.from, kind::otp_reply, and_then(reply, [](const auto& v) { return encode(v); }),
                 ctx);
}

void bank::send_or_report(const std::string& to, const char* k, result<bytes> b, context& ctx) {
  if (b)
    ctx.send(to, k, std::move(*b));
  else
    ctx.emit("SendFailed", {{"kind", k}, {"to", to}, {"reason", b.error().message()}});
}

bank::refusal bank::check_authentic(const pm_forward& fwd, const signed_blob& pm_blob,
                                    const payment_info& pm) {
  if (!cfg_.verify_signatures)
    return std::nullopt;
  auto client_key = crypto::rsa_public_key::from_der(pm.session_key);
  if (!client_key)
    return "bad-client-key";
  if (!verify_blob(*client_key, pm_blob))
    return "bad-client-signature";
  // The merchant's claim binds the client's session key to this tid and
  // amount; without it, anyone could seal a PM for the bank.
  const auto* merchant_key = dir_.public_key(pm.merchant);
  auto claim = decode_merchant_claim(fwd.claim.payload);
  if (!merchant_key)
    return "merchant-unknown";
  if (!verify_blob(*merchant_key, fwd.claim) || !claim)
    return "bad-merchant-signature";
  if (claim->tid != pm.tid || claim->amount != pm.amount || claim->merchant != pm.merchant ||
      claim->client_key_fingerprint != client_key->fingerprint())
    return "claim-mismatch";
  return std::nullopt;
}

bank::refusal bank::check_funds(const payment_info& pm, const account& payer, context& ctx) {
  if (pm.amount <= 0)
    return "bad-amount";
  const auto* payee = find_holder(pm.merchant);
  if (!payee)
    return "merchant-unknown";
  if (pm.amount > payer.balance) {
    ctx.emit("InsufficientFunds", {{"tid", hex(pm.tid)}, {"holder", payer.holder}});
    return "insufficient-funds";
  }
  std::int64_t sum = 0;
  if (__builtin_add_overflow(payee->balance, pm.amount, &sum))
    return "overflow";
  return std::nullopt;
}

bank::refusal bank::check_payment(const payment_info& pm, context& ctx) {
  auto* payer = find_card(pm.card, pm.expiry);
  if (!payer)
    return "unknown-card";
  if (cfg_.check_otp)
    if (auto why = check_code(pm, *payer, ctx))
      return why;
  return check_funds(pm, *payer, ctx);
}

void bank::commit(const payment_info& pm, account& payer, context& ctx) {
  // One actor, one message at a time: the debit and credit cannot interleave
  // with another payment, so the transfer is atomic.
  auto* payee = find_holder(pm.merchant);
  payer.balance -= pm.amount;
  payee->balance += pm.amount;
  ctx.emit("PaymentCommitted", {{"tid", hex(pm.tid)},
                                {"amount", std::to_string(pm.amount)},
                                {"payer", payer.holder},
                                {"payee", payee->holder}});
}

void bank::on_pm_forward(const packet& p, context& ctx) {
  auto fwd = decode_pm_forward(p.bytes);
  auto body = and_then(fwd, [&](const pm_forward& f) {
    return crypto::open(ctx.rng(), key_, f.sealed_pm, "ecommerce.pm");
  });
  auto blob = and_then(body, decode_signed_blob);
  auto pm = and_then(blob, [](const auto& v) { return decode_payment_info(v.payload); });
  if (!pm) {
    ctx.emit("EnvelopeRejected", {{"kind", p.kind}, {"reason", pm.error().message()}});
    return;
  }
  // Authenticity first: a PM its client did not sign, or its merchant did
  // not forward, must not touch the tid's record (anyone can seal a PM for
  // the bank, and tids travel in clear).
  if (auto why = check_authentic(*fwd, *blob, *pm)) {
    ctx.emit("SignatureInvalid", {{"tid", hex(pm->tid)}, {"reason", *why}});
    ctx.emit("PaymentRefused", {{"tid", hex(pm->tid)}, {"reason", *why}});
    return;
  }
  if (auto* rec = find_decision(pm->merchant, pm->tid); cfg_.unique_tids && rec) {
    ctx.emit("ReplayRejected", {{"tid", hex(pm->tid)}, {"recorded", rec->result.text()}});
    reply_outcome(p.from, kind::bank_reply,
                  {pm->tid, pm->merchant, rec->amount, rec->nonce, rec->result}, ctx);
    return;
  }
  auto why = check_payment(*pm, ctx);
  if (!why)
    commit(*pm, *find_card(pm->card, pm->expiry), ctx);
  record_and_reply(p, *pm, why ? outcome::abort(*why) : outcome::commit(), ctx);
}

void bank::record_and_reply(const packet& p, const payment_info& pm, const outcome& result,
                            context& ctx) {
  if (result.aborted())
    ctx.emit("PaymentAborted",
             {{"tid", hex(pm.tid)}, {"reason", result.reason}, {"merchant", scope(pm.merchant)}});
  auto key = crypto::rsa_public_key::from_der(pm.session_key);
  bytes fp = key ? key->fingerprint() : bytes{};
  store_decision(pm.merchant, pm.tid, record{result, pm.amount, pm.nonce, fp, {}});
  reply_outcome(p.from, kind::bank_reply, {pm.tid, pm.merchant, pm.amount, pm.nonce, result}, ctx);
}

bank::record* bank::find_decision(const std::string& merchant, const bytes& tid) {
  auto i = decisions_.find(tid);
  if (i == decisions_.end())
    return nullptr;
  for (const auto& whose : {scope(merchant), std::string()})
    if (auto j = i->second.find(whose); j != i->second.end())
      return &j->second;
  return nullptr;
}

bank::record& bank::store_decision(const std::string& merchant, const bytes& tid, record r) {
  r.merchant = scope(merchant);
  auto& slot = decisions_[tid][r.merchant];
  slot = std::move(r);
  return slot;
}

void bank::reply_outcome(const std::string& to, const char* k, const outcome_statement& s,
                         context& ctx) {
  auto reply = sign_blob(ctx.rng(), key_, encode(s));
  send_or_report(to, k, and_then(reply, [](const auto& v) { return encode(v); }), ctx);
}

observation bank::observe() const {
  observation o;
  std::int64_t total = 0;
  for (const auto& a : cfg_.accounts) {
    o.numbers["balance." + a.holder] = a.balance;
    total += a.balance;
  }
  o.numbers["total"] = total;
  o.numbers["initial_total"] = initial_total_;
  std::int64_t decided = 0;
  for (const auto& [tid, records] : decisions_)
    decided += static_cast<std::int64_t>(records.size());
  o.numbers["decisions"] = decided;
  const bank_config defaults;
  promise_rate(o, "otp_issue_limit", cfg_.otp_issue_limit, cfg_.otp_issue_window,
               defaults.otp_issue_limit, defaults.otp_issue_window);
  return o;
}

std::int64_t bank::balance(const std::string& holder) const {
  for (const auto& a : cfg_.accounts)
    if (a.holder == holder)
      return a.balance;
  return 0;
}

} // namespace protobed::ecommerce
