#include "actors/ecommerce/analysis.hpp"

#include "actors/ecommerce/messages.hpp"
#include "actors/ecommerce/otp_sms.hpp"
#include "actors/ecommerce/sealing.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

namespace {

/// Opens an envelope with any private key the observer holds.
result<bytes> open_any(const knowledge& k, crypto::rng& r, byte_view env, const char* ad) {
  for (const auto& [owner, key] : k.private_keys)
    if (auto pt = crypto::open(r, key, env, ad))
      return std::move(*pt);
  return crypto::make_error(crypto::errc::invalid_argument, "no key held opens it");
}

void learn_pm(byte_view sealed_pm, const packet& p, knowledge& k, crypto::rng& r) {
  auto body = open_any(k, r, sealed_pm, "ecommerce.pm");
  auto blob = and_then(body, decode_signed_blob);
  auto pm = and_then(blob, [](const auto& v) { return decode_payment_info(v.payload); });
  if (!pm)
    return;
  k.learn({"card", pm->card + " " + pm->expiry, describe_source(p)});
  k.learn({"otp", pm->otp, describe_source(p)});
}

/// Opens a body under a reply key the observer has learned.
result<bytes> open_keyed_any(const knowledge& k, const char* kind, byte_view in) {
  auto outer = decode_keyed_body(in);
  if (!outer)
    return outer.error();
  for (const auto& key : k.symmetric_keys)
    if (auto pt = open_keyed(key, kind, *outer))
      return std::move(*pt);
  return crypto::make_error(crypto::errc::invalid_argument, "no key held opens it");
}

} // namespace

void analyze(const packet& p, knowledge& k, crypto::rng& r) {
  if (auto text = sms_text_seen(p, k, r)) {
    if (auto sms = parse_otp_sms(*text))
      k.learn({"otp", sms->code, describe_source(p)});
    return;
  }
  if (p.kind == kind::otp_request) {
    auto body = open_any(k, r, p.bytes, kind::otp_request);
    auto req = and_then(body, decode_otp_request);
    if (req)
      k.learn({"card", req->card + " " + req->expiry, describe_source(p)});
  } else if (p.kind == kind::setup) {
    auto body = open_any(k, r, p.bytes, kind::setup);
    auto req = and_then(body, decode_setup_request);
    if (req) {
      k.learn({"session_key", crypto::to_hex(req->reply_key), describe_source(p)});
      k.learn_key(req->reply_key);
    }
  } else if (p.kind == kind::pm_po) {
    auto body = open_keyed_any(k, kind::pm_po, p.bytes);
    auto msg = and_then(body, decode_pm_po);
    if (msg)
      learn_pm(msg->sealed_pm, p, k, r);
  } else if (p.kind == kind::pm_forward) {
    if (auto fwd = decode_pm_forward(p.bytes))
      learn_pm(fwd->sealed_pm, p, k, r);
  }
}

} // namespace protobed::ecommerce
