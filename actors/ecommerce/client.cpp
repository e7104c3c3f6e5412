#include "actors/ecommerce/client.hpp"

#include "actors/ecommerce/otp_sms.hpp"
#include "actors/ecommerce/sealing.hpp"
#include "actors/runtime/key_pool.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

namespace {

constexpr const char* timeout_purpose = "timeout";
constexpr const char* otp_entry_purpose = "otp-entry";

} // namespace

client::client(client_config cfg, const directory& dir, crypto::rng* setup_rng)
  : cfg_(std::move(cfg))
  , dir_(dir) {
  if (setup_rng && cfg_.session_key_pool > 0)
    key_pool_ = make_key_pool(*setup_rng, cfg_.session_key_pool, cfg_.session_key_bits);
}

timer_id client::timeout_timer(const purchase& pu) {
  return {timeout_purpose, pu.number};
}

timer_id client::otp_entry_timer(const purchase& pu) {
  return {otp_entry_purpose, pu.number};
}

client::purchase* client::by_nonce(const bytes& nonce) {
  for (auto& pu : purchases_)
    if (pu.nonce == nonce)
      return &pu;
  return nullptr;
}

client::purchase* client::by_number(std::uint64_t n) {
  return n >= 1 && n <= purchases_.size() ? &purchases_[n - 1] : nullptr;
}

void client::ignore(const packet& p, const char* reason, context& ctx) {
  ctx.emit("PacketIgnored", {{"kind", p.kind}, {"from", p.from}, {"reason", reason}});
}

bool client::signed_by(const std::string& who, const signed_blob& blob) const {
  if (!cfg_.verify_signatures)
    return true;
  const auto* key = dir_.public_key(who);
  return key && verify_blob(*key, blob);
}

crypto::rsa_private_key client::next_session_key(context& ctx) {
  if (key_pool_.empty() && fresh_key_)
    return fresh_key_(cfg_.session_key_bits);
  if (key_pool_.empty())
    return crypto::rsa_private_key::generate(ctx.rng(), cfg_.session_key_bits);
  auto k = std::move(key_pool_.back()); // used once, then dropped
  key_pool_.pop_back();
  return k;
}

void client::on_command(const command& c, context& ctx) {
  if (c.verb == "buy")
    return buy(c, ctx);
  participant_core::on_command(c, ctx);
}

void client::buy(const command& c, context& ctx) {
  auto& pu = purchases_.emplace_back();
  pu.number = purchases_.size();
  pu.item = c.arg("item");
  if (auto a = c.arg("amount"); !a.empty())
    pu.amount_override = std::stoll(a);
  if (auto a = c.arg("price"); !a.empty())
    pu.price = std::stoll(a);
  if (auto o = c.arg("otp"); !o.empty()) {
    pu.otp_override = o;
    pu.otp = o; // typed from memory (or guessed): no SMS needed
  }
  pu.card = c.arg("card", cfg_.card); // another's card typed in: the bank decides
  pu.expiry = c.arg("expiry", cfg_.expiry);
  pu.otp_delay = parse_duration(c.arg("otp_delay")).value_or(cfg_.otp_entry_delay);
  pu.session_key = next_session_key(ctx);
  pu.origin = c;
  if (auto n = c.arg("count"); !n.empty())
    pu.repeats_left = std::stoll(n) - 1;
  pu.nonce = ctx.rng().generate(nonce_size);
  pu.reply_key = ctx.rng().generate(reply_key_size);
  pu.reference = purchase_reference(pu.nonce);
  ctx.emit("PurchaseStarted", {{"purchase", std::to_string(pu.number)},
                               {"reference", pu.reference},
                               {"item", pu.item},
                               {"agreed", pu.price ? std::to_string(*pu.price)
                                                   : "<=" + std::to_string(cfg_.max_amount)}});

  const auto* bank_key = dir_.public_key(cfg_.bank);
  const auto* merchant_key = dir_.public_key(cfg_.merchant);
  auto otp_req = encode(otp_request{pu.card, pu.expiry, pu.nonce, ctx.self()});
  auto sealed_otp =
    otp_req ? crypto::seal(ctx.rng(), *bank_key, *otp_req, kind::otp_request) : otp_req;
  auto setup = encode(setup_request{pu.session_key->public_key().to_der(), pu.reply_key, pu.nonce,
                                    pu.item, ctx.self()});
  auto sealed_setup = setup ? crypto::seal(ctx.rng(), *merchant_key, *setup, kind::setup) : setup;
  if (!sealed_otp || !sealed_setup)
    return finish(pu, outcome::abort("encoding-failed"), "client", ctx);
  ctx.send(cfg_.bank, kind::otp_request, std::move(*sealed_otp));
  ctx.send(cfg_.merchant, kind::setup, std::move(*sealed_setup));
  ctx.set_timer(timeout_timer(pu), cfg_.timeout);
}

void client::on_packet(const packet& p, context& ctx) {
  if (p.kind == kind::otp_reply)
    on_otp_reply(p, ctx);
  else if (p.kind == sms_kind)
    on_sms(p, ctx);
  else if (p.kind == kind::setup_reply)
    on_setup_reply(p, ctx);
  else if (p.kind == kind::outcome)
    on_outcome(p, ctx);
  else if (p.kind == kind::resolve_reply)
    on_resolve_reply(p, ctx);
  else
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
}

void client::on_otp_reply(const packet& p, context& ctx) {
  auto blob = decode_signed_blob(p.bytes);
  if (!blob || !signed_by(cfg_.bank, *blob)) {
    ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  auto st = decode_otp_status(blob->payload);
  auto* pu = st ? by_nonce(st->nonce) : nullptr;
  if (!pu)
    return ignore(p, st ? "unknown-nonce" : "malformed", ctx);
  if (pu->otp_status_seen) {
    ctx.emit("ReplayRejected", {{"kind", p.kind}, {"purchase", std::to_string(pu->number)}});
    return;
  }
  pu->otp_status_seen = true;
  if (pu->ph != phase::awaiting)
    return ignore(p, "purchase-over", ctx);
  if (!st->sent) {
    ctx.emit("OtpRefused", {{"purchase", std::to_string(pu->number)}, {"reason", st->refusal}});
    finish(*pu, outcome::abort(st->refusal), "bank", ctx);
  }
}

void client::on_sms(const packet& p, context& ctx) {
  auto sms = parse_otp_sms(std::string(p.bytes.begin(), p.bytes.end()));
  if (!sms)
    return ignore(p, "no-code", ctx);
  for (auto& pu : purchases_) {
    // The code is for the purchase its reference names (or, unchecked, for
    // the oldest purchase still waiting for one).
    bool mine = cfg_.match_sms_reference ? pu.reference == sms->reference : !pu.otp;
    if (!mine || pu.ph != phase::awaiting)
      continue;
    if (pu.otp)
      return ignore(p, "code-already-received", ctx);
    pu.otp = pu.otp_override.value_or(sms->code);
    ctx.emit("OtpReceived",
             {{"purchase", std::to_string(pu.number)}, {"reference", sms->reference}});
    start_typing_when_ready(pu, ctx);
    return;
  }
  ignore(p, "no-purchase-awaiting-this-code", ctx);
}

std::optional<std::string> client::refuse_amount(const purchase& pu, std::int64_t quoted) const {
  if (!cfg_.check_amount)
    return std::nullopt;
  if (quoted <= 0)
    return "quoted " + std::to_string(quoted) + ", not a price";
  if (pu.price && quoted != *pu.price)
    return "quoted " + std::to_string(quoted) + ", agreed " + std::to_string(*pu.price);
  if (!pu.price && quoted > cfg_.max_amount)
    return "quoted " + std::to_string(quoted) + ", above max_amount " +
           std::to_string(cfg_.max_amount);
  return std::nullopt;
}

client::purchase* client::by_tid(const bytes& tid) {
  for (auto& pu : purchases_)
    if (!pu.tid.empty() && pu.tid == tid)
      return &pu;
  return nullptr;
}

void client::on_setup_reply(const packet& p, context& ctx) {
  auto outer = decode_keyed_body(p.bytes);
  auto* pu = outer ? by_nonce(outer->nonce) : nullptr;
  if (!pu)
    return ignore(p, outer ? "unknown-nonce" : "malformed", ctx);
  if (!pu->tid.empty()) {
    ctx.emit("ReplayRejected", {{"kind", p.kind}, {"purchase", std::to_string(pu->number)}});
    return;
  }
  if (pu->ph != phase::awaiting)
    return ignore(p, "purchase-over", ctx);
  auto body = open_keyed(pu->reply_key, kind::setup_reply, *outer);
  auto blob = and_then(body, decode_signed_blob);
  auto st = and_then(blob, [](const auto& v) { return decode_tid_statement(v.payload); });
  // The merchant's signed statement must bind this tid to our session key.
  bool bound = !cfg_.verify_signatures ||
               (st && st->client_key_fingerprint == pu->session_key->public_key().fingerprint());
  bool ok = st && signed_by(cfg_.merchant, *blob) && bound && st->item == pu->item;
  if (!ok) {
    ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  if (auto why = refuse_amount(*pu, st->amount)) {
    ctx.emit("AmountRefused", {{"purchase", std::to_string(pu->number)}, {"reason", *why}});
    return finish(*pu, outcome::abort("amount-refused"), "client", ctx);
  }
  pu->tid = st->tid;
  pu->tid_statement = *blob;
  pu->amount = pu->amount_override.value_or(st->amount);
  ctx.emit("SetupComplete",
           {{"purchase", std::to_string(pu->number)},
            {"tid", crypto::to_hex(pu->tid)},
            {"amount", std::to_string(st->amount)},
            {"merchant", st->merchant},
            {"client_key", crypto::to_hex(pu->session_key->public_key().fingerprint())}});
  start_typing_when_ready(*pu, ctx);
}

void client::start_typing_when_ready(purchase& pu, context& ctx) {
  // With the tid and the code in hand nothing more is awaited from the
  // network: the timeout stops while the user types.
  if (pu.ph != phase::awaiting || pu.tid.empty() || !pu.otp || pu.typing)
    return;
  pu.typing = true;
  ctx.cancel_timer(timeout_timer(pu));
  ctx.set_timer(otp_entry_timer(pu), pu.otp_delay);
}

void client::pay(purchase& pu, context& ctx) {
  const auto& key = *pu.session_key;
  payment_info pm{
    pu.card,      pu.expiry, *pu.otp, pu.amount, pu.tid, pu.nonce, key.public_key().to_der(),
    cfg_.merchant};
  auto signed_pm = sign_blob(ctx.rng(), key, encode(pm));
  auto pm_bytes = and_then(signed_pm, [](const auto& v) { return encode(v); });
  auto sealed_pm =
    pm_bytes ? crypto::seal(ctx.rng(), *dir_.public_key(cfg_.bank), *pm_bytes, "ecommerce.pm")
             : pm_bytes;
  auto po = sign_blob(ctx.rng(), key, encode(purchase_order{pu.item, pu.amount, pu.tid, pu.nonce}));
  if (!sealed_pm || !po)
    return finish(pu, outcome::abort("encoding-failed"), "client", ctx);
  auto msg = seal_keyed(ctx.rng(), pu.reply_key, kind::pm_po, pu.nonce,
                        encode(pm_po{std::move(*sealed_pm), std::move(*po)}));
  if (!msg)
    return finish(pu, outcome::abort("encoding-failed"), "client", ctx);
  pu.ph = phase::paid;
  ctx.emit("PaymentSent", {{"purchase", std::to_string(pu.number)},
                           {"tid", crypto::to_hex(pu.tid)},
                           {"amount", std::to_string(pu.amount)},
                           {"merchant", cfg_.merchant}});
  ctx.send(cfg_.merchant, kind::pm_po, std::move(*msg));
  ctx.set_timer(timeout_timer(pu), cfg_.timeout);
}

void client::on_outcome(const packet& p, context& ctx) {
  auto outer = decode_keyed_body(p.bytes);
  auto* pu = outer ? by_nonce(outer->nonce) : nullptr;
  if (!pu)
    return ignore(p, outer ? "unknown-nonce" : "malformed", ctx);
  auto body = open_keyed(pu->reply_key, kind::outcome, *outer);
  auto blob = and_then(body, decode_signed_blob);
  if (!blob) {
    ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  accept_outcome(*blob, pu, "merchant", ctx);
}

void client::on_resolve_reply(const packet& p, context& ctx) {
  auto blob = decode_signed_blob(p.bytes);
  if (!blob) {
    ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  accept_outcome(*blob, nullptr, "resolution", ctx);
}

void client::accept_outcome(const signed_blob& blob, purchase* pu, const char* via, context& ctx) {
  auto st = decode_outcome_statement(blob.payload);
  if (st && !pu)
    pu = by_tid(st->tid);
  // The bank's signature binds the outcome to the tid (which binds it to
  // this purchase's session key), its merchant and the amount.
  if (!st || !signed_by(cfg_.bank, blob) || !pu || st->tid != pu->tid || st->amount != pu->amount ||
      st->merchant != cfg_.merchant) {
    ctx.emit("SignatureInvalid", {{"kind", "outcome"}, {"via", via}});
    return;
  }
  finish(*pu, st->result, via, ctx);
}

void client::resolve(purchase& pu, context& ctx) {
  const auto& key = *pu.session_key;
  auto req = sign_blob(ctx.rng(), key,
                       encode(resolve_request{pu.tid, pu.amount, pu.nonce,
                                              key.public_key().to_der(), pu.tid_statement}));
  auto body = and_then(req, [](const auto& v) { return encode(v); });
  auto sealed =
    body ? crypto::seal(ctx.rng(), *dir_.public_key(cfg_.bank), *body, kind::resolve) : body;
  if (!sealed) {
    ctx.emit("ResolutionFailed",
             {{"tid", crypto::to_hex(pu.tid)}, {"reason", sealed.error().message()}});
    return finish(pu, outcome{}, "client", ctx);
  }
  ++pu.resolutions;
  ctx.emit(pu.resolutions == 1 ? "ResolutionUsed" : "ResolutionRetried",
           {{"tid", crypto::to_hex(pu.tid)}, {"attempt", std::to_string(pu.resolutions)}});
  pu.ph = phase::resolving;
  ctx.send(cfg_.bank, kind::resolve, std::move(*sealed));
  // Back off: timeout, 2x, 4x, 8x, then 16x the timeout between attempts, so a
  // long outage is outlasted without flooding the bank.
  auto backoff = cfg_.timeout * (std::int64_t{1} << std::min<std::int64_t>(pu.resolutions - 1, 4));
  ctx.set_timer(timeout_timer(pu), backoff);
}

void client::on_timer(const timer_id& id, context& ctx) {
  auto* pu = by_number(id.index);
  if (!pu || pu->ph == phase::done)
    return participant_core::on_timer(id, ctx);
  if (id.purpose == otp_entry_purpose) {
    if (pu->ph == phase::awaiting)
      pay(*pu, ctx);
    return;
  }
  if (pu->ph == phase::awaiting)
    return finish(*pu, outcome::abort(pu->tid.empty() ? "setup-timeout" : "no-otp"), "client", ctx);
  if (pu->resolutions <= cfg_.resolution_retries)
    return resolve(*pu, ctx);
  ctx.emit("ResolutionFailed", {{"tid", crypto::to_hex(pu->tid)}, {"reason", "no-answer"}});
  finish(*pu, outcome{}, "client", ctx);
}

void client::finish(purchase& pu, const outcome& result, const char* via, context& ctx) {
  if (pu.ph == phase::done) {
    bool same = pu.result && pu.result->text() == result.text();
    ctx.emit(same ? "DuplicateOutcomeIgnored" : "OutcomeConflict",
             {{"purchase", std::to_string(pu.number)}, {"outcome", result.text()}, {"via", via}});
    return;
  }
  pu.ph = phase::done;
  pu.result = result;
  pu.session_key.reset(); // the session is over; its key is not needed again
  ctx.cancel_timer(timeout_timer(pu));
  ctx.cancel_timer(otp_entry_timer(pu));
  ctx.emit("OutcomeReceived", {{"purchase", std::to_string(pu.number)},
                               {"tid", crypto::to_hex(pu.tid)},
                               {"outcome", result.text()},
                               {"via", via}});
  if (pu.repeats_left > 0) { // the next of `count` purchases, back to back
    auto next = pu.origin;
    next.args["count"] = std::to_string(pu.repeats_left);
    buy(next, ctx);
  }
}

observation client::observe() const {
  observation o;
  o.numbers["purchases"] = static_cast<std::int64_t>(purchases_.size());
  o.texts["outcome"] = "none";
  o.texts["merchant"] = cfg_.merchant; // where the scenario has it shop
  for (const auto& pu : purchases_) {
    auto outcome = pu.result ? pu.result->text() : std::string("pending");
    o.texts["outcome." + std::to_string(pu.number)] = outcome;
    o.texts["outcome"] = outcome;
  }
  return o;
}

} // namespace protobed::ecommerce
