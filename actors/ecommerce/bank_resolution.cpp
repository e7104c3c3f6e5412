// Resolution: a client or a merchant that waited too long asks the bank what
// became of a tid. The bank answers with its record; a tid it never decided
// is aborted for good first, so a late PM is refused. Only the tid's own
// client (named by the merchant's signed tid statement) or its own merchant
// (signing the claim it forwarded) may ask: otherwise anyone who saw a tid
// in flight could abort it.
#include "actors/ecommerce/bank.hpp"
#include "actors/ecommerce/sealing.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

bank::refusal bank::check_resolver(const resolve_request& req,
                                   const crypto::rsa_public_key& client_key) {
  if (!cfg_.bind_resolution)
    return std::nullopt;
  auto st = decode_tid_statement(req.tid_statement.payload);
  if (!st)
    return "no-tid-statement";
  const auto* merchant_key = dir_.public_key(st->merchant);
  if (!merchant_key || !verify_blob(*merchant_key, req.tid_statement))
    return "bad-tid-statement";
  if (st->tid != req.tid || st->amount != req.amount ||
      st->client_key_fingerprint != client_key.fingerprint())
    return "not-the-payer";
  return std::nullopt;
}

std::string bank::statement_merchant(const resolve_request& req) {
  auto st = decode_tid_statement(req.tid_statement.payload);
  return st ? st->merchant : std::string();
}

const bank::record& bank::decide_if_open(const std::string& merchant, const bytes& tid,
                                         std::int64_t amount, const bytes& nonce,
                                         const bytes& fingerprint, const char* request,
                                         context& ctx) {
  if (const auto* rec = find_decision(merchant, tid))
    return *rec;
  auto result = outcome::abort("resolved-without-payment");
  // `merchant`: whose tid the record is (none: the tid, for every merchant).
  ctx.emit("PaymentAborted", {{"tid", crypto::to_hex(tid)},
                              {"reason", result.reason},
                              {"merchant", scope(merchant)},
                              {"by", crypto::to_hex(fingerprint)},
                              {"request", request}});
  return store_decision(merchant, tid, record{result, amount, nonce, fingerprint, {}});
}

void bank::on_resolve(const packet& p, context& ctx) {
  auto body = crypto::open(ctx.rng(), key_, p.bytes, kind::resolve);
  auto blob = and_then(body, decode_signed_blob);
  auto req = and_then(blob, [](const auto& v) { return decode_resolve_request(v.payload); });
  if (!req) {
    ctx.emit("EnvelopeRejected", {{"kind", p.kind}, {"reason", req.error().message()}});
    return;
  }
  auto tid = crypto::to_hex(req->tid);
  auto client_key = crypto::rsa_public_key::from_der(req->session_key);
  if (!client_key || (cfg_.verify_signatures && !verify_blob(*client_key, *blob))) {
    ctx.emit("SignatureInvalid", {{"tid", tid}, {"reason", "bad-resolve-signature"}});
    return;
  }
  auto why = check_resolver(*req, *client_key);
  // The tid's merchant, as the statement names it (checked with bind_resolution).
  auto merchant = statement_merchant(*req);
  const auto* known = find_decision(merchant, req->tid);
  if (!why && known && known->client_key_fingerprint != client_key->fingerprint())
    why = "not-the-payer";
  if (why) {
    ctx.emit("ResolutionRefused", {{"tid", tid}, {"reason", *why}});
    return;
  }
  const auto& rec = decide_if_open(merchant, req->tid, req->amount, req->nonce,
                                   client_key->fingerprint(), kind::resolve, ctx);
  ctx.emit("ResolutionAnswered", {{"tid", tid}, {"outcome", rec.result.text()}});
  // Bound to the requester's nonce: it proved it is the tid's payer.
  reply_outcome(p.from, kind::resolve_reply,
                {req->tid, merchant, rec.amount, req->nonce, rec.result}, ctx);
}

void bank::on_merchant_resolve(const packet& p, context& ctx) {
  auto blob = decode_signed_blob(p.bytes);
  auto req = and_then(blob, [](const auto& v) { return decode_merchant_resolve(v.payload); });
  if (!req) {
    ctx.emit("EnvelopeRejected", {{"kind", p.kind}, {"reason", req.error().message()}});
    return;
  }
  const auto& c = req->claim;
  auto tid = crypto::to_hex(c.tid);
  const auto* merchant_key = dir_.public_key(c.merchant);
  if (!merchant_key || (cfg_.verify_signatures && !verify_blob(*merchant_key, *blob))) {
    ctx.emit("SignatureInvalid", {{"tid", tid}, {"reason", "bad-merchant-resolve-signature"}});
    return;
  }
  // A merchant resolves only its own (merchant, tid): another merchant's
  // record of the same tid value (tids travel in clear in every claim) is
  // neither read nor changed, whoever asked first.
  const auto* known = find_decision(c.merchant, c.tid);
  if (known && known->client_key_fingerprint != c.client_key_fingerprint) {
    ctx.emit("ResolutionRefused", {{"tid", tid}, {"reason", "claim-mismatch"}});
    return;
  }
  // The nonce is the client's; the bank has none for a PM it never saw.
  const auto& rec = decide_if_open(c.merchant, c.tid, c.amount, bytes(nonce_size, 0),
                                   c.client_key_fingerprint, kind::merchant_resolve, ctx);
  ctx.emit("ResolutionAnswered",
           {{"tid", tid}, {"outcome", rec.result.text()}, {"for", c.merchant}});
  reply_outcome(p.from, kind::bank_reply, {c.tid, c.merchant, rec.amount, rec.nonce, rec.result},
                ctx);
}

} // namespace protobed::ecommerce
