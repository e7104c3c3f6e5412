// The device's registration, key lookups and safety numbers, and its link to
// the relay.
#include "actors/messaging/device.hpp"

#include <algorithm>
#include <utility>

#include "actors/services/otp_provider.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hash.hpp"

namespace protobed::messaging {

namespace {

constexpr const char* confirm_timer = "confirm";
constexpr const char* register_timer = "register";
constexpr const char* lookup_timer = "lookup";

std::string short_hex(const bytes& b) {
  return crypto::to_hex(byte_view(b.data(), std::min<std::size_t>(b.size(), 8)));
}

} // namespace

device::device(device_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {}

std::string device::name_of(const std::string& phone) const {
  auto owner = dir_.phone_owner(phone);
  return owner.empty() ? phone : owner;
}

void device::on_command(const command& c, context& ctx) {
  if (c.verb == "register" || c.verb == "reregister") {
    registration_ = c;
    registration_attempts_ = 0;
    return start_registration(c, ctx);
  }
  if (c.verb == "send")
    return queue_messages(c, ctx);
  if (c.verb == "lookup") {
    auto phone = dir_.phone_of(c.arg("contact"));
    if (!registered_)
      return ctx.emit("CommandRejected", {{"verb", c.verb}, {"reason", "not registered"}});
    return lookup(phone, ctx);
  }
  if (c.verb == "verify")
    return verify(c, ctx);
  participant_core::on_command(c, ctx);
}

void device::verify(const command& c, context& ctx) {
  if (!registered_)
    return ctx.emit("CommandRejected", {{"verb", c.verb}, {"reason", "not registered"}});
  auto phone = dir_.phone_of(c.arg("contact"));
  lookup(phone, ctx);
  contacts_[phone].verifying = true; // the answer is compared with the out-of-band key
}

void device::start_registration(const command& c, context& ctx) {
  if (c.verb == "reregister") {
    key_ = fresh_key_ ? fresh_key_(crypto::rsa_default_bits)
                      : crypto::rsa_private_key::generate(ctx.rng());
    ctx.emit("KeyPairMade", {{"fingerprint", short_hex(key_.public_key().fingerprint())}});
  }
  typed_code_ = c.args.count("code") ? std::optional<std::string>(c.arg("code")) : std::nullopt;
  typing_delay_ = parse_duration(c.arg("code_delay")).value_or(cfg_.code_delay);
  enrol_nonce_ = ctx.rng().generate(nonce_size);
  link_key_ = ctx.rng().generate(link_key_size);
  sms_code_.reset();
  enrolment e{cfg_.phone, key_.public_key().to_der(), enrol_nonce_};
  auto payload = encode(e);
  auto out = and_then(payload, [&](const bytes& b) {
    return encode(signed_blob{b, key_.sign(ctx.rng(), b)});
  });
  if (!out)
    return ctx.emit("SendFailed", {{"kind", kind::enrol}, {"reason", out.error().message()}});
  ctx.send(cfg_.relay, kind::enrol, std::move(*out));
  ctx.set_timer({register_timer, 0}, typing_delay_ + cfg_.timeout);
  ctx.emit("RegistrationStarted",
           {{"phone", cfg_.phone}, {"fingerprint", short_hex(key_.public_key().fingerprint())}});
}

void device::on_sms(const packet& p, context& ctx) {
  auto sms = parse_code_sms(std::string(p.bytes.begin(), p.bytes.end()));
  if (!sms)
    return ctx.emit("SmsIgnored", {{"reason", "not a registration code"}});
  if (sms->key != key_reference(key_.public_key().fingerprint()))
    return ctx.emit("SmsIgnored",
                    {{"reason", "a code for another key: someone is registering this number"},
                     {"key", sms->key}});
  if (enrol_nonce_.empty() || sms_code_)
    return ctx.emit("SmsIgnored", {{"reason", "no registration waiting"}});
  sms_code_ = sms->code;
  ctx.emit("CodeReceived", {{"phone", cfg_.phone}});
  ctx.set_timer({confirm_timer, 0}, typing_delay_);
}

void device::send_confirmation(context& ctx) {
  const auto* relay_key = dir_.public_key(cfg_.relay);
  if (!relay_key)
    return ctx.emit("SendFailed", {{"kind", kind::confirm}, {"reason", "no key for the relay"}});
  confirmation c{cfg_.phone, typed_code_.value_or(sms_code_.value_or("")), enrol_nonce_, link_key_};
  auto sealed = and_then(encode(c), [&](const bytes& b) {
    return crypto::seal(ctx.rng(), *relay_key, b, kind::confirm);
  });
  if (!sealed)
    return ctx.emit("SendFailed", {{"kind", kind::confirm}, {"reason", sealed.error().message()}});
  ctx.send(cfg_.relay, kind::confirm, std::move(*sealed));
  ctx.emit("CodeConfirmed", {{"phone", cfg_.phone}, {"typed", typed_code_ ? "true" : "false"}});
}

std::optional<bytes> device::open_link(const packet& p, context& ctx) {
  auto l = decode_linked(p.bytes);
  if (!l) {
    ctx.emit("PacketRejected",
             {{"kind", p.kind}, {"from", p.from}, {"reason", l.error().message()}});
    return std::nullopt;
  }
  if (l->phone != cfg_.phone || link_key_.empty()) {
    ctx.emit("PacketRejected",
             {{"kind", p.kind}, {"from", p.from}, {"reason", "not for this device"}});
    return std::nullopt;
  }
  if (!cfg_.check_links)
    return l->payload;
  auto payload = unlink(link_key_, p.kind.c_str(), *l);
  if (!payload) {
    ctx.emit("LinkMacInvalid", {{"kind", p.kind}, {"from", p.from}});
    return std::nullopt;
  }
  return *payload;
}

void device::send_linked(const char* kind, result<bytes> payload, context& ctx) {
  auto out = link(link_key_, kind, cfg_.phone, std::move(payload));
  if (!out)
    return ctx.emit("SendFailed", {{"kind", kind}, {"reason", out.error().message()}});
  ctx.send(cfg_.relay, kind, std::move(*out));
}

void device::on_registered(const packet& p, context& ctx) {
  auto r = read_linked(p, ctx, decode_registration_result);
  if (!r)
    return;
  if (enrol_nonce_.empty() || !crypto::constant_time_equal(r->nonce, enrol_nonce_))
    return ctx.emit("ReplayRejected",
                    {{"kind", p.kind}, {"reason", "not the registration in progress"}});
  if (r->outcome != "bound") {
    enrol_nonce_.clear(); // the user starts again with a new register
    ctx.cancel_timer({register_timer, 0});
    return ctx.emit("RegistrationRefused", {{"phone", cfg_.phone}, {"outcome", r->outcome}});
  }
  if (!crypto::constant_time_equal(r->fingerprint, key_.public_key().fingerprint()))
    return ctx.emit("RegistrationRefused", {{"phone", cfg_.phone}, {"outcome", "wrong key bound"}});
  enrol_nonce_.clear();
  registered_ = true;
  ctx.cancel_timer({register_timer, 0});
  ctx.emit("Registered", {{"phone", cfg_.phone}, {"fingerprint", short_hex(r->fingerprint)}});
  pump(ctx);
}

void device::lookup(const std::string& phone, context& ctx) {
  auto& c = contacts_[phone];
  c.lookup_nonce = ctx.rng().generate(nonce_size);
  c.lookup_attempts = 0;
  send_linked(kind::lookup, encode(key_query{phone, c.lookup_nonce}), ctx);
  ctx.set_timer({lookup_timer, 0}, cfg_.timeout);
}

void device::retry_registration(context& ctx) {
  if (registered_ || enrol_nonce_.empty())
    return;
  if (++registration_attempts_ > cfg_.retries)
    return ctx.emit("RegistrationFailed",
                    {{"phone", cfg_.phone}, {"reason", "no answer from the relay"}});
  command again = registration_;
  again.verb = "register"; // the same key pair: a new one was made at most once
  start_registration(again, ctx);
}

void device::retry_lookups(context& ctx) {
  bool waiting = false;
  for (auto& [phone, c] : contacts_) {
    if (c.lookup_nonce.empty())
      continue;
    if (++c.lookup_attempts > cfg_.retries) {
      c.lookup_nonce.clear();
      c.verifying = false;
      c.unavailable = !c.key;
      ctx.emit("KeyUnavailable",
               {{"contact", name_of(phone)}, {"reason", "no answer from the relay"}});
      continue;
    }
    waiting = true;
    send_linked(kind::lookup, encode(key_query{phone, c.lookup_nonce}), ctx);
  }
  if (waiting)
    ctx.set_timer({lookup_timer, 0}, cfg_.timeout);
  pump(ctx);
}

void device::on_key(const packet& p, context& ctx) {
  auto a = read_linked(p, ctx, decode_key_answer);
  if (!a)
    return;
  auto i = contacts_.find(a->phone);
  if (i == contacts_.end() || i->second.lookup_nonce.empty() ||
      !crypto::constant_time_equal(i->second.lookup_nonce, a->nonce))
    return ctx.emit("ReplayRejected", {{"kind", p.kind}, {"reason", "no such lookup"}});
  auto& c = i->second;
  c.lookup_nonce.clear();
  if (std::none_of(contacts_.begin(), contacts_.end(),
                   [](const auto& kv) { return !kv.second.lookup_nonce.empty(); }))
    ctx.cancel_timer({lookup_timer, 0}); // nothing left to ask again
  auto verifying = std::exchange(c.verifying, false);
  auto key = crypto::rsa_public_key::from_der(a->public_key);
  if (!key) {
    ctx.emit("KeyUnavailable", {{"contact", name_of(a->phone)}, {"phone", a->phone}});
    c.unavailable = true;
  } else {
    take_key(a->phone, c, std::move(*key), verifying, ctx);
  }
  pump(ctx);
  auto waiting = std::move(waiting_for_key_[a->phone]);
  waiting_for_key_.erase(a->phone);
  for (const auto& d : waiting)
    process(d, ctx);
}

/// A key the relay gave for `phone`: used only if it passes the safety-number
/// check; a contact it failed stays blocked until the user's `verify`.
void device::take_key(const std::string& phone, contact& c, crypto::rsa_public_key key,
                      bool verifying, context& ctx) {
  const auto who = name_of(phone);
  if (cfg_.block_mismatched_keys && c.blocked && !verifying)
    return ctx.emit(
      "ContactBlocked",
      {{"contact", who}, {"reason", "its key failed the safety-number check: verify it"}});
  auto fp = key.fingerprint();
  if (!c.fingerprint.empty() && c.fingerprint != fp)
    ctx.emit("SafetyNumberChanged",
             {{"contact", who}, {"old", short_hex(c.fingerprint)}, {"new", short_hex(fp)}});
  bool trusted = check_safety_number(phone, fp, verifying, ctx);
  c.unavailable = false;
  c.blocked = !trusted;
  if (!trusted && cfg_.block_mismatched_keys)
    return; // never stored: nothing is sealed for it or checked with it
  if (!c.fingerprint.empty() && c.fingerprint != fp)
    out_sessions_.erase(phone); // its session key was sealed for the old key
  c.key = std::move(key);
  c.fingerprint = fp;
  if (trusted)
    ctx.emit(verifying ? "ContactVerified" : "KeyLearned",
             {{"contact", who}, {"safety_number", short_hex(fp)}});
}

/// With safety numbers on, or when the user verifies: the key equals the one
/// exchanged out of band (the contact's real key).
bool device::check_safety_number(const std::string& phone, const bytes& fingerprint, bool verifying,
                                 context& ctx) {
  if (!cfg_.verify_safety_numbers && !verifying)
    return true;
  const auto* real = dir_.public_key(dir_.phone_owner(phone));
  if (real && crypto::constant_time_equal(real->fingerprint(), fingerprint))
    return true;
  ctx.emit("SafetyNumberMismatch",
           {{"contact", name_of(phone)},
            {"relay_gave", short_hex(fingerprint)},
            {"out_of_band", real ? short_hex(real->fingerprint()) : "none"}});
  return false;
}

void device::on_packet(const packet& p, context& ctx) {
  if (p.kind == sms_kind)
    on_sms(p, ctx);
  else if (p.kind == kind::registered)
    on_registered(p, ctx);
  else if (p.kind == kind::key)
    on_key(p, ctx);
  else if (p.kind == kind::accepted)
    on_accepted(p, ctx);
  else if (p.kind == kind::deliver)
    on_delivery(p, ctx);
  else if (p.kind == kind::delivered)
    on_delivered(p, ctx);
  else
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
}

void device::on_timer(const timer_id& id, context& ctx) {
  if (id.purpose == confirm_timer)
    return send_confirmation(ctx);
  if (id.purpose == register_timer)
    return retry_registration(ctx);
  if (id.purpose == lookup_timer)
    return retry_lookups(ctx);
  if (id.purpose == "resend")
    return on_resend_timer(ctx);
  participant_core::on_timer(id, ctx);
}

observation device::observe() const {
  observation o;
  o.numbers["registered"] = registered_ ? 1 : 0;
  o.texts["phone"] = cfg_.phone; // as the scenario gave it
  o.numbers["sent"] = messages_;
  o.numbers["shown"] = shown_;
  o.numbers["confirmed"] = confirmed_;
  o.numbers["outbox"] = static_cast<std::int64_t>(outbox_.size());
  return o;
}

} // namespace protobed::messaging
