// The relay's half of registration: an enrolment (phone + key, signed with
// that key) makes the relay text a fresh code to the phone; a confirmation
// (sealed for the relay) with that code binds phone -> key and sets the link
// key. A wrong, expired, exhausted or reused code is refused with an event.
// Per phone, as the bank per card: at most code_issue_limit codes per
// code_issue_window (CodeRateLimited), a budget of wrong codes across
// enrolments (PhoneLocked, for code_lock_time), and a few pending
// enrolments, none displaced.
#include "actors/messaging/relay.hpp"
#include "actors/runtime/time.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hash.hpp"

namespace protobed::messaging {

namespace {

constexpr std::size_t max_pending_per_phone = 4;

std::string code_failure(crypto::errc e) {
  switch (e) {
    case crypto::errc::expired:
      return "expired";
    case crypto::errc::exhausted:
      return "exhausted";
    case crypto::errc::already_used:
      return "used";
    case crypto::errc::not_issued:
      return "not-issued";
    default:
      return "wrong";
  }
}

std::string short_fingerprint(const bytes& fp) {
  return crypto::to_hex(byte_view(fp.data(), std::min<std::size_t>(fp.size(), 8)));
}

} // namespace

void relay::on_enrolment(const packet& p, context& ctx) {
  auto blob = decode_signed_blob(p.bytes);
  auto e = and_then(blob, [](const signed_blob& b) { return decode_enrolment(b.payload); });
  auto key =
    and_then(e, [](const enrolment& x) { return crypto::rsa_public_key::from_der(x.public_key); });
  if (!key) {
    ctx.emit("EnrolmentRejected", {{"from", p.from}, {"reason", key.error().message()}});
    return;
  }
  if (!key->verify(blob->payload, blob->signature)) {
    ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  if (pending_.count({e->phone, e->nonce}))
    return ctx.emit("ReplayRejected", {{"kind", p.kind}, {"reason", "enrolment seen"}});
  if (!may_issue(e->phone, ctx) || !make_room_for_enrolment(e->phone, ctx))
    return;
  const auto* gateway = dir_.public_key(cfg_.sms);
  auto code = crypto::random_otp(ctx.rng());
  auto text = code_sms_text(ctx.self(), code, key->fingerprint());
  auto sms = gateway
               ? encode_sms_request(ctx.rng(), *gateway, e->phone, text)
               : result<bytes>(crypto::make_error(crypto::errc::invalid_key, "no gateway key"));
  if (!sms) {
    ctx.emit("SendFailed", {{"kind", sms_request_kind}, {"reason", sms.error().message()}});
    return;
  }
  pending_registration reg{e->public_key, e->nonce, p.from, crypto::otp_verifier(cfg_.code),
                           ctx.now()};
  reg.verifier.issue(code, ctx.now());
  pending_.emplace(std::make_pair(e->phone, e->nonce), std::move(reg));
  auto& order = pending_order_[e->phone];
  order.push_back(e->nonce);
  if (order.size() > max_pending_per_phone) { // keep_pending_enrolments off: the oldest goes
    pending_.erase({e->phone, order.front()});
    order.pop_front();
  }
  phones_[e->phone].issued.push_back(ctx.now());
  ctx.send(cfg_.sms, sms_request_kind, std::move(*sms));
  ctx.emit("CodeSent", {{"phone", e->phone},
                        {"fingerprint", short_fingerprint(key->fingerprint())},
                        {"device", p.from}});
}

bool relay::may_issue(const std::string& phone, context& ctx) {
  auto& rec = phones_[phone];
  if (locked(phone, ctx)) {
    ctx.emit("EnrolmentRejected", {{"phone", phone}, {"reason", "phone-locked"}});
    return false;
  }
  if (cfg_.code_issue_limit <= 0)
    return true;
  while (!rec.issued.empty() && rec.issued.front() + cfg_.code_issue_window <= ctx.now())
    rec.issued.pop_front();
  if (static_cast<std::int64_t>(rec.issued.size()) < cfg_.code_issue_limit)
    return true;
  ctx.emit("CodeRateLimited", {{"phone", phone},
                               {"limit", std::to_string(cfg_.code_issue_limit)},
                               {"window", format_duration(cfg_.code_issue_window)}});
  return false;
}

/// A phone has at most a few pending enrolments. Dead ones (expired, or
/// their code guessed wrong code_attempts times: nobody can finish them)
/// make room; with keep_pending_enrolments a live one is never displaced, so
/// one more is refused (the relay cannot tell which is the owner's).
bool relay::make_room_for_enrolment(const std::string& phone, context& ctx) {
  drop_dead_enrolments(phone, ctx.now());
  if (!cfg_.keep_pending_enrolments || pending_order_[phone].size() < max_pending_per_phone)
    return true;
  ctx.emit("EnrolmentRejected", {{"phone", phone},
                                 {"reason", "too-many-pending"},
                                 {"pending", std::to_string(max_pending_per_phone)}});
  return false;
}

void relay::drop_dead_enrolments(const std::string& phone, sim_time now) {
  auto& order = pending_order_[phone];
  for (auto i = order.begin(); i != order.end();) {
    auto reg = pending_.find({phone, *i});
    if (reg == pending_.end() || reg->second.issued + cfg_.code.lifetime <= now ||
        reg->second.verifier.attempts_left() == 0) {
      if (reg != pending_.end())
        pending_.erase(reg);
      i = order.erase(i);
    } else {
      ++i;
    }
  }
}

void relay::count_failure(const std::string& phone, context& ctx) {
  auto& rec = phones_[phone];
  ++rec.consecutive_failures;
  if (cfg_.code_failure_budget <= 0 || rec.locked_until ||
      rec.consecutive_failures < cfg_.code_failure_budget)
    return;
  rec.locked_until = ctx.now() + cfg_.code_lock_time;
  ctx.emit("PhoneLocked", {{"phone", phone},
                           {"failures", std::to_string(rec.consecutive_failures)},
                           {"for", format_duration(cfg_.code_lock_time)}});
}

bool relay::locked(const std::string& phone, context& ctx) {
  auto& rec = phones_[phone];
  if (!rec.locked_until)
    return false;
  if (ctx.now() < *rec.locked_until)
    return true;
  rec.locked_until.reset();
  rec.consecutive_failures = 0;
  ctx.emit("PhoneUnlocked", {{"phone", phone}, {"after", format_duration(cfg_.code_lock_time)}});
  return false;
}

void relay::on_confirmation(const packet& p, context& ctx) {
  auto c = and_then(crypto::open(ctx.rng(), key_, p.bytes, kind::confirm), decode_confirmation);
  if (!c) {
    ctx.emit("EnvelopeRejected",
             {{"kind", p.kind}, {"from", p.from}, {"reason", c.error().message()}});
    return;
  }
  auto i = pending_.find({c->phone, c->nonce});
  if (i == pending_.end()) {
    ctx.emit("CodeRejected", {{"phone", c->phone}, {"reason", "no-registration"}});
    return answer_registration(c->phone, *c, "refused: no-registration", bytes(fingerprint_size),
                               p.from, ctx);
  }
  auto& reg = i->second;
  auto fp = crypto::sha256(reg.public_key);
  if (cfg_.check_codes && locked(c->phone, ctx)) {
    ctx.emit("CodeRejected", {{"phone", c->phone}, {"reason", "locked"}});
    return answer_registration(c->phone, *c, "refused: locked", fp, reg.address, ctx);
  }
  auto st = reg.verifier.verify(c->code, ctx.now());
  if (!st && cfg_.check_codes) {
    auto why = code_failure(st.error().code);
    ctx.emit("CodeRejected", {{"phone", c->phone}, {"reason", why}});
    if (why == "wrong" || why == "exhausted")
      count_failure(c->phone, ctx);
    return answer_registration(c->phone, *c, "refused: " + why, fp, reg.address, ctx);
  }
  phones_[c->phone].consecutive_failures = 0;
  bind(c->phone, reg, c->link_key, ctx);
  answer_registration(c->phone, *c, "bound", fp, reg.address, ctx);
}

void relay::bind(const std::string& phone, pending_registration& reg, bytes link_key,
                 context& ctx) {
  auto fp = short_fingerprint(crypto::sha256(reg.public_key));
  auto& a = accounts_[phone];
  if (!a.public_key.empty() && a.public_key != reg.public_key)
    ctx.emit(
      "KeyReplaced",
      {{"phone", phone}, {"old", short_fingerprint(crypto::sha256(a.public_key))}, {"new", fp}});
  a.public_key = reg.public_key;
  a.key = crypto::rsa_public_key::from_der(a.public_key).value(); // checked at enrolment
  a.address = reg.address;
  a.link_key = std::move(link_key);
  ctx.emit("KeyRegistered", {{"phone", phone}, {"fingerprint", fp}, {"device", reg.address}});
  if (!mailboxes_[phone].queue.empty() && online(a))
    deliver_head(phone, ctx);
}

void relay::answer_registration(const std::string& phone, const confirmation& c,
                                const std::string& outcome, const bytes& fingerprint,
                                const std::string& to, context& ctx) {
  auto reply = link(c.link_key, kind::registered, phone,
                    encode(registration_result{c.nonce, fingerprint, outcome}));
  if (!reply)
    return ctx.emit("SendFailed",
                    {{"kind", kind::registered}, {"reason", reply.error().message()}});
  ctx.send(to, kind::registered, std::move(*reply));
}

} // namespace protobed::messaging
