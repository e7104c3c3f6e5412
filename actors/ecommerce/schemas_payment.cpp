// Schemas of the payment messages: pm_po, pm_forward, merchant_resolve.
#include "actors/ecommerce/schemas.hpp"
#include "actors/ecommerce/sealing.hpp"

namespace protobed::ecommerce {

namespace {

using crypto::to_hex;

void read_claim(const merchant_claim& c, const char* prefix, field_values& out) {
  std::string p = prefix;
  out[p + "tid"] = to_hex(c.tid);
  out[p + "amount"] = std::to_string(c.amount);
  out[p + "client_key_fingerprint"] = to_hex(c.client_key_fingerprint);
  out[p + "merchant"] = c.merchant;
}

merchant_claim claim_of(field_reader& r, const char* prefix) {
  std::string p = prefix;
  return {r.hex(p + "tid"), r.amount(p + "amount"), r.hex(p + "client_key_fingerprint"),
          r.text(p + "merchant")};
}

std::vector<field_doc> claim_fields(const char* prefix, const std::string& protection) {
  std::string p = prefix;
  return {{p + "tid", "bytes", protection, "", ""},
          {p + "amount", "amount", protection, "", ""},
          {p + "client_key_fingerprint", "bytes", protection, "", ""},
          {p + "merchant", "text", protection, "", ""},
          {p + "sign_with", "signer", "signs it (the merchant)", "self", ""}};
}

message_schema pm_po_schema() {
  message_schema s;
  s.kind = kind::pm_po;
  const std::string po = "signed by the session key, under the reply key";
  s.fields = {{"nonce", "bytes", "clear", "", ""},
              {"reply_key", "symmetric_key", "the key it is sealed under", "", ""}};
  for (auto& f : payment_fields("pm_po, under the reply key"))
    s.fields.push_back(f);
  for (auto f : std::vector<field_doc>{{"po.item", "text", po, "", ""},
                                       {"po.amount", "amount", po, "", ""},
                                       {"po.tid", "bytes", po, "", ""},
                                       {"po.nonce", "bytes", po, "", ""},
                                       {"po.sign_with", "signer", "signs the PO", "self", ""}})
    s.fields.push_back(f);
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto opened = read_keyed(t, kind::pm_po, in, out);
    auto msg = opened ? decode_pm_po(*opened) : result<pm_po>(crypto::error{});
    if (!msg)
      return out;
    read_payment(t, msg->sealed_pm, out);
    if (auto po = decode_purchase_order(msg->po.payload)) {
      out["po.item"] = po->item;
      out["po.amount"] = std::to_string(po->amount);
      out["po.tid"] = to_hex(po->tid);
      out["po.nonce"] = to_hex(po->nonce);
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) -> result<bytes> {
    field_reader r(f);
    auto key = r.hex("reply_key");
    auto nonce = r.hex("nonce");
    purchase_order po{r.text("po.item"), r.amount("po.amount"), r.hex("po.tid"), r.hex("po.nonce")};
    if (r.error())
      return *r.error();
    auto sealed_pm = build_payment(f, t);
    auto po_blob = and_then(sign_fields(t, f, "po.sign_with", encode(po)), decode_signed_blob);
    if (!sealed_pm || !po_blob)
      return !sealed_pm ? sealed_pm.error() : po_blob.error();
    return seal_keyed(t.rng, key, kind::pm_po, nonce, encode(pm_po{*sealed_pm, *po_blob}));
  };
  return s;
}

message_schema pm_forward_schema() {
  message_schema s;
  s.kind = kind::pm_forward;
  s.fields = payment_fields("pm_forward");
  for (auto& f : claim_fields("claim.", "clear, signed by the merchant"))
    s.fields.push_back(f);
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto fwd = decode_pm_forward(in);
    if (!fwd)
      return out;
    read_payment(t, fwd->sealed_pm, out);
    if (auto c = decode_merchant_claim(fwd->claim.payload))
      read_claim(*c, "claim.", out);
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) -> result<bytes> {
    field_reader r(f);
    auto claim = claim_of(r, "claim.");
    if (r.error())
      return *r.error();
    auto sealed_pm = build_payment(f, t);
    auto claim_blob =
      and_then(sign_fields(t, f, "claim.sign_with", encode(claim)), decode_signed_blob);
    if (!sealed_pm || !claim_blob)
      return !sealed_pm ? sealed_pm.error() : claim_blob.error();
    return encode(pm_forward{*sealed_pm, *claim_blob});
  };
  return s;
}

message_schema merchant_resolve_schema() {
  message_schema s;
  s.kind = kind::merchant_resolve;
  s.fields = claim_fields("", "clear, signed by the merchant");
  s.read = [](byte_view in, const term_store&) {
    field_values out;
    auto blob = decode_signed_blob(in);
    auto req =
      and_then(blob, [](const signed_blob& b) { return decode_merchant_resolve(b.payload); });
    if (req)
      read_claim(req->claim, "", out);
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) -> result<bytes> {
    field_reader r(f);
    merchant_resolve req{claim_of(r, "")};
    if (r.error())
      return *r.error();
    return sign_fields(t, f, "sign_with", encode(req));
  };
  return s;
}

} // namespace

std::vector<message_schema> payment_schemas() {
  return {pm_po_schema(), pm_forward_schema(), merchant_resolve_schema()};
}

} // namespace protobed::ecommerce
