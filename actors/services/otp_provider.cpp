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

std::optional<std::string> code_in_sms(const std::string& text, std::size_t digits) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    run = std::isdigit(static_cast<unsigned char>(text[i])) ? run + 1 : 0;
    bool run_ends = i + 1 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 1]));
    if (run == digits && run_ends)
      return text.substr(i + 1 - digits, digits);
  }
  return std::nullopt;
}

void analyze_sms(const packet& p, knowledge& k, crypto::rng& r) {
  std::string text;
  if (p.kind == sms_kind) {
    text.assign(p.bytes.begin(), p.bytes.end());
  } else if (p.kind == sms_request_kind) {
    for (const auto& [owner, key] : k.private_keys) {
      auto body = crypto::open(r, key, p.bytes, sms_request_kind);
      if (!body)
        continue;
      crypto::reader rd(*body);
      rd.str(64);
      text = rd.str(480);
    }
  }
  if (auto code = code_in_sms(text))
    k.learn({"otp", *code, describe_source(p)});
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
