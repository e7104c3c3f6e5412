#include "actors/ecommerce/messages.hpp"

#include "crypto/codec.hpp"

namespace protobed::ecommerce {

namespace {

using crypto::reader;
using crypto::writer;

constexpr std::size_t small = 256;    // names, cards, items, outcomes
constexpr std::size_t key_max = 1024; // a DER public key or a signature
constexpr std::size_t blob_max = 16384;

/// Reads a labelled payload: checks the label, runs `body`, requires the end.
using crypto::decode_labelled;
using crypto::encode_labelled;

} // namespace

std::string outcome::text() const {
  switch (c) {
    case code::committed:
      return "committed";
    case code::aborted:
      return "aborted: " + reason;
    case code::unknown:
      break;
  }
  return "unknown";
}

result<bytes> encode(const keyed_body& x) {
  return encode_labelled("keyed", [&](writer& w) { w.field(x.nonce).field(x.sealed); });
}

result<keyed_body> decode_keyed_body(byte_view in) {
  auto x = decode_labelled<keyed_body>(in, "keyed", [](reader& r, keyed_body& x) {
    x.nonce = r.exact(nonce_size);
    x.sealed = r.field(crypto::max_message_size);
  });
  return x;
}

result<bytes> encode(const otp_request& x) {
  return encode_labelled(kind::otp_request, [&](writer& w) {
    w.str(x.card).str(x.expiry).field(x.nonce).str(x.client);
  });
}

result<otp_request> decode_otp_request(byte_view in) {
  return decode_labelled<otp_request>(in, kind::otp_request, [](reader& r, otp_request& x) {
    x.card = r.str(small);
    x.expiry = r.str(small);
    x.nonce = r.exact(nonce_size);
    x.client = r.str(small);
  });
}

result<bytes> encode(const otp_status& x) {
  return encode_labelled(kind::otp_reply,
                         [&](writer& w) { w.field(x.nonce).boolean(x.sent).str(x.refusal); });
}

result<otp_status> decode_otp_status(byte_view in) {
  return decode_labelled<otp_status>(in, kind::otp_reply, [](reader& r, otp_status& x) {
    x.nonce = r.exact(nonce_size);
    x.sent = r.boolean();
    x.refusal = r.str(small);
  });
}

result<bytes> encode(const setup_request& x) {
  return encode_labelled(kind::setup, [&](writer& w) {
    w.field(x.session_key).field(x.reply_key).field(x.nonce).str(x.item).str(x.client);
  });
}

result<setup_request> decode_setup_request(byte_view in) {
  auto x = decode_labelled<setup_request>(in, kind::setup, [](reader& r, setup_request& x) {
    x.session_key = r.field(key_max);
    x.reply_key = r.exact(reply_key_size);
    x.nonce = r.exact(nonce_size);
    x.item = r.str(small);
    x.client = r.str(small);
  });
  return x;
}

result<bytes> encode(const tid_statement& x) {
  return encode_labelled("ecommerce.tid", [&](writer& w) {
    w.field(x.tid).str(x.item).i64(x.amount).field(x.client_key_fingerprint).str(x.merchant);
  });
}

result<tid_statement> decode_tid_statement(byte_view in) {
  return decode_labelled<tid_statement>(in, "ecommerce.tid", [](reader& r, tid_statement& x) {
    x.tid = r.exact(tid_size);
    x.item = r.str(small);
    x.amount = r.i64();
    x.client_key_fingerprint = r.exact(fingerprint_size);
    x.merchant = r.str(small);
  });
}

result<bytes> encode(const payment_info& x) {
  return encode_labelled("ecommerce.pm", [&](writer& w) {
    w.str(x.card).str(x.expiry).str(x.otp).i64(x.amount).field(x.tid).field(x.nonce);
    w.field(x.session_key).str(x.merchant);
  });
}

result<payment_info> decode_payment_info(byte_view in) {
  return decode_labelled<payment_info>(in, "ecommerce.pm", [](reader& r, payment_info& x) {
    x.card = r.str(small);
    x.expiry = r.str(small);
    x.otp = r.str(small);
    x.amount = r.i64();
    x.tid = r.exact(tid_size);
    x.nonce = r.exact(nonce_size);
    x.session_key = r.field(key_max);
    x.merchant = r.str(small);
  });
}

result<bytes> encode(const purchase_order& x) {
  return encode_labelled(
    "ecommerce.po", [&](writer& w) { w.str(x.item).i64(x.amount).field(x.tid).field(x.nonce); });
}

result<purchase_order> decode_purchase_order(byte_view in) {
  return decode_labelled<purchase_order>(in, "ecommerce.po", [](reader& r, purchase_order& x) {
    x.item = r.str(small);
    x.amount = r.i64();
    x.tid = r.exact(tid_size);
    x.nonce = r.exact(nonce_size);
  });
}

result<bytes> encode(const pm_po& x) {
  auto po = encode(x.po);
  if (!po)
    return po;
  return encode_labelled(kind::pm_po, [&](writer& w) { w.field(x.sealed_pm).field(*po); });
}

result<pm_po> decode_pm_po(byte_view in) {
  bytes po;
  auto x = decode_labelled<pm_po>(in, kind::pm_po, [&](reader& r, pm_po& x) {
    x.sealed_pm = r.field(blob_max);
    po = r.field(blob_max);
  });
  if (!x)
    return x;
  auto blob = decode_signed_blob(po);
  if (!blob)
    return blob.error();
  x->po = std::move(*blob);
  return x;
}

result<bytes> encode(const merchant_claim& x) {
  return encode_labelled("ecommerce.claim", [&](writer& w) {
    w.field(x.tid).i64(x.amount).field(x.client_key_fingerprint).str(x.merchant);
  });
}

result<merchant_claim> decode_merchant_claim(byte_view in) {
  return decode_labelled<merchant_claim>(in, "ecommerce.claim", [](reader& r, merchant_claim& x) {
    x.tid = r.exact(tid_size);
    x.amount = r.i64();
    x.client_key_fingerprint = r.exact(fingerprint_size);
    x.merchant = r.str(small);
  });
}

result<bytes> encode(const pm_forward& x) {
  auto claim = encode(x.claim);
  if (!claim)
    return claim;
  return encode_labelled(kind::pm_forward, [&](writer& w) { w.field(x.sealed_pm).field(*claim); });
}

result<pm_forward> decode_pm_forward(byte_view in) {
  bytes claim;
  auto x = decode_labelled<pm_forward>(in, kind::pm_forward, [&](reader& r, pm_forward& x) {
    x.sealed_pm = r.field(blob_max);
    claim = r.field(blob_max);
  });
  if (!x)
    return x;
  auto blob = decode_signed_blob(claim);
  if (!blob)
    return blob.error();
  x->claim = std::move(*blob);
  return x;
}

result<bytes> encode(const outcome_statement& x) {
  return encode_labelled("ecommerce.outcome", [&](writer& w) {
    w.field(x.tid).str(x.merchant).i64(x.amount).field(x.nonce);
    w.u8(static_cast<std::uint8_t>(x.result.c));
    w.str(x.result.reason);
  });
}

result<outcome_statement> decode_outcome_statement(byte_view in) {
  std::uint8_t code = 0;
  auto x = decode_labelled<outcome_statement>(in, "ecommerce.outcome",
                                              [&](reader& r, outcome_statement& x) {
                                                x.tid = r.exact(tid_size);
                                                x.merchant = r.str(small);
                                                x.amount = r.i64();
                                                x.nonce = r.exact(nonce_size);
                                                code = r.u8();
                                                x.result.reason = r.str(small);
                                              });
  if (x && code > static_cast<std::uint8_t>(outcome::code::aborted))
    return crypto::make_error(crypto::errc::malformed, "outcome must be committed or aborted");
  if (x)
    x->result.c = static_cast<outcome::code>(code);
  return x;
}

result<bytes> encode(const resolve_request& x) {
  auto statement = encode(x.tid_statement);
  if (!statement)
    return statement;
  return encode_labelled(kind::resolve, [&](writer& w) {
    w.field(x.tid).i64(x.amount).field(x.nonce).field(x.session_key).field(*statement);
  });
}

result<resolve_request> decode_resolve_request(byte_view in) {
  bytes statement;
  auto x = decode_labelled<resolve_request>(in, kind::resolve, [&](reader& r, resolve_request& x) {
    x.tid = r.exact(tid_size);
    x.amount = r.i64();
    x.nonce = r.exact(nonce_size);
    x.session_key = r.field(key_max);
    statement = r.field(blob_max);
  });
  if (!x)
    return x;
  auto blob = decode_signed_blob(statement);
  if (!blob)
    return blob.error();
  x->tid_statement = std::move(*blob);
  return x;
}

result<bytes> encode(const merchant_resolve& x) {
  const auto& c = x.claim;
  return encode_labelled(kind::merchant_resolve, [&](writer& w) {
    w.field(c.tid).i64(c.amount).field(c.client_key_fingerprint).str(c.merchant);
  });
}

result<merchant_resolve> decode_merchant_resolve(byte_view in) {
  return decode_labelled<merchant_resolve>(
    in, kind::merchant_resolve, [](reader& r, merchant_resolve& x) {
      x.claim.tid = r.exact(tid_size);
      x.claim.amount = r.i64();
      x.claim.client_key_fingerprint = r.exact(fingerprint_size);
      x.claim.merchant = r.str(small);
    });
}

} // namespace protobed::ecommerce
