// Building blocks of the e-commerce schemas: opening with what the observer
// holds, signing and sealing with keys named by fields, the payment
// information that two messages carry.
#include "actors/ecommerce/schemas.hpp"
#include "actors/ecommerce/sealing.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

std::string text_of(bool b) {
  return b ? "true" : "false";
}

result<bytes> open_sealed(const term_store& t, byte_view env, const char* ad) {
  return open_with_held_keys(t, env, ad);
}

std::optional<std::pair<bytes, bytes>> open_reply_keyed(const term_store& t, const char* kind,
                                                        const keyed_body& body) {
  for (const auto& key : t.known.symmetric_keys)
    if (auto pt = open_keyed(key, kind, body))
      return std::make_pair(std::move(*pt), key);
  return std::nullopt;
}

std::optional<bytes> read_keyed(const term_store& t, const char* kind, byte_view in,
                                field_values& out) {
  auto outer = decode_keyed_body(in);
  if (!outer)
    return std::nullopt;
  out["nonce"] = crypto::to_hex(outer->nonce);
  auto opened = open_reply_keyed(t, kind, *outer);
  if (!opened)
    return std::nullopt;
  out["reply_key"] = crypto::to_hex(opened->second);
  return std::move(opened->first);
}

result<bytes> sign_fields(const term_store& t, const field_values& f, const std::string& signer,
                          result<bytes> payload) {
  auto key = field_signer(f, signer, t);
  if (!key)
    return key.error();
  auto blob = sign_blob(t.rng, *key, std::move(payload));
  return and_then(blob, [](const signed_blob& b) { return encode(b); });
}

result<bytes> seal_fields(const term_store& t, const field_values& f, const std::string& recipient,
                          result<bytes> body, const char* ad) {
  return seal_for_field(t, f, recipient, std::move(body), ad);
}

std::vector<field_doc> payment_fields(const char* outer) {
  std::string in = std::string("sealed for the bank, inside ") + outer;
  return {
    {"sealed_pm", "bytes", "sealed for the bank (opaque; or built from pm.*)", "", ""},
    {"pm.card", "text", in, "", "card"},
    {"pm.expiry", "text", in, "", ""},
    {"pm.otp", "text", in, "", "otp"},
    {"pm.amount", "amount", in, "", ""},
    {"pm.tid", "bytes", in, "", ""},
    {"pm.nonce", "bytes", in, "", ""},
    {"pm.session_key", "public_key", in, "self", ""},
    {"pm.merchant", "text", in, "", ""},
    {"pm.sign_with", "signer", "signs the PM (the client's session key)", "self", ""},
    {"pm.seal_for", "recipient", "seals the PM (the bank)", "", ""},
  };
}

void read_payment(const term_store& t, byte_view sealed_pm, field_values& out) {
  out["sealed_pm"] = crypto::to_hex(bytes(sealed_pm.begin(), sealed_pm.end()));
  auto blob = and_then(open_sealed(t, sealed_pm, "ecommerce.pm"), decode_signed_blob);
  auto pm = and_then(blob, [](const signed_blob& b) { return decode_payment_info(b.payload); });
  if (!pm)
    return;
  out["pm.card"] = pm->card;
  out["pm.expiry"] = pm->expiry;
  out["pm.otp"] = pm->otp;
  out["pm.amount"] = std::to_string(pm->amount);
  out["pm.tid"] = crypto::to_hex(pm->tid);
  out["pm.nonce"] = crypto::to_hex(pm->nonce);
  out["pm.session_key"] = crypto::to_hex(pm->session_key);
  out["pm.merchant"] = pm->merchant;
}

result<bytes> build_payment(const field_values& f, const term_store& t) {
  field_reader r(f);
  if (r.has("sealed_pm")) {
    auto b = r.hex("sealed_pm");
    return r.error() ? result<bytes>(*r.error()) : result<bytes>(b);
  }
  payment_info pm{r.text("pm.card"),       r.text("pm.expiry"),  r.text("pm.otp"),
                  r.amount("pm.amount"),   r.hex("pm.tid"),      r.hex("pm.nonce"),
                  r.hex("pm.session_key"), r.text("pm.merchant")};
  if (r.error())
    return *r.error();
  auto signed_pm = sign_fields(t, f, "pm.sign_with", encode(pm));
  return seal_fields(t, f, "pm.seal_for", std::move(signed_pm), "ecommerce.pm");
}

std::vector<message_schema> schemas() {
  std::vector<message_schema> all;
  for (auto* part : {setup_schemas, payment_schemas, outcome_schemas})
    for (auto& s : part())
      all.push_back(std::move(s));
  return all;
}

} // namespace protobed::ecommerce
