// The relay's half of registration: an enrolment (phone + key, signed with
// that key) makes the relay text a fresh code to the phone; a confirmation
// (sealed for the relay) with that code binds phone -> key and sets the link
// key. A wrong, expired, exhausted or reused code is refused with an event.
#include "actors/messaging/relay.hpp"
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
  pending_registration reg{e->public_key, e->nonce, p.from, crypto::otp_verifier(cfg_.code)};
  reg.verifier.issue(code, ctx.now());
  pending_.emplace(std::make_pair(e->phone, e->nonce), std::move(reg));
  auto& order = pending_order_[e->phone];
  order.push_back(e->nonce);
  if (order.size() > max_pending_per_phone) { // the oldest attempt makes room
    pending_.erase({e->phone, order.front()});
    order.pop_front();
  }
  ctx.send(cfg_.sms, sms_request_kind, std::move(*sms));
  ctx.emit("CodeSent", {{"phone", e->phone},
                        {"fingerprint", short_fingerprint(key->fingerprint())},
                        {"device", p.from}});
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
  auto st = reg.verifier.verify(c->code, ctx.now());
  if (!st && cfg_.check_codes) {
    auto why = code_failure(st.error().code);
    ctx.emit("CodeRejected", {{"phone", c->phone}, {"reason", why}});
    return answer_registration(c->phone, *c, "refused: " + why, fp, reg.address, ctx);
  }
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
