#include "actors/services/otp_provider.hpp"

#include <cctype>

#include "crypto/codec.hpp"
#include "crypto/envelope.hpp"

namespace protobed {

crypto::result<crypto::bytes> encode_sms_request(crypto::rng& r,
                                                 const crypto::rsa_public_key& gateway,
                                                 const std::string& phone,
                                                 const std::string& text) {
  crypto::writer w;
  w.str(phone).str(text);
  auto body = std::move(w).finish();
  if (!body)
    return body;
  return crypto::seal(r, gateway, *body, sms_request_kind);
}

std::optional<std::string> sms_text_seen(const packet& p, const knowledge& k, crypto::rng& r) {
  if (p.kind == sms_kind)
    return std::string(p.bytes.begin(), p.bytes.end());
  if (p.kind != sms_request_kind)
    return std::nullopt;
  for (const auto& [owner, key] : k.private_keys) {
    auto body = crypto::open(r, key, p.bytes, sms_request_kind);
    if (!body)
      continue;
    crypto::reader rd(*body);
    rd.str(64);
    auto text = rd.str(480);
    if (rd.finish())
      return text;
  }
  return std::nullopt;
}

otp_provider::otp_provider(crypto::rsa_private_key key, const directory& dir)
  : key_(std::move(key))
  , dir_(dir) {}

void otp_provider::on_packet(const packet& p, context& ctx) {
  if (p.kind != sms_request_kind) {
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
    return;
  }
  auto body = crypto::open(ctx.rng(), key_, p.bytes, sms_request_kind);
  if (!body) {
    ctx.emit("SmsRequestRejected", {{"from", p.from}, {"reason", body.error().message()}});
    return;
  }
  crypto::reader rd(*body);
  auto phone = rd.str(64);
  auto text = rd.str(480);
  if (!rd.finish()) {
    ctx.emit("SmsRequestRejected", {{"from", p.from}, {"reason", "malformed"}});
    return;
  }
  inboxes_[phone].push_back(text);
  auto owner = dir_.phone_owner(phone);
  if (owner.empty()) {
    ctx.emit("SmsUndeliverable", {{"phone", phone}});
    return;
  }
  ctx.emit("SmsDelivered", {{"phone", phone}, {"to", owner}});
  ctx.send(owner, sms_kind, crypto::bytes(text.begin(), text.end()));
}

observation otp_provider::observe() const {
  observation o;
  for (const auto& [phone, texts] : inboxes_)
    o.numbers["inbox." + phone] = static_cast<std::int64_t>(texts.size());
  return o;
}

const std::vector<std::string>& otp_provider::inbox(const std::string& phone) const {
  static const std::vector<std::string> empty;
  auto i = inboxes_.find(phone);
  return i == inboxes_.end() ? empty : i->second;
}

} // namespace protobed
