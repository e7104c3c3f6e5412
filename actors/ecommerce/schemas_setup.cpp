// Schemas of the opening messages: otp_request, otp_reply, setup, setup_reply.
#include "actors/ecommerce/schemas.hpp"
#include "actors/ecommerce/sealing.hpp"

namespace protobed::ecommerce {

namespace {

using crypto::to_hex;

message_schema otp_request_schema() {
  message_schema s;
  s.kind = kind::otp_request;
  s.fields = {{"card", "text", "sealed for the bank", "", "card"},
              {"expiry", "text", "sealed for the bank", "", ""},
              {"nonce", "bytes", "sealed for the bank", "fresh", ""},
              {"client", "text", "sealed for the bank", "", ""},
              {"seal_for", "recipient", "seals it (the bank)", "to", ""}};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto req = and_then(open_sealed(t, in, kind::otp_request), decode_otp_request))
      out = {{"card", req->card},
             {"expiry", req->expiry},
             {"nonce", to_hex(req->nonce)},
             {"client", req->client}};
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    otp_request req{r.text("card"), r.text("expiry"), r.hex("nonce"), r.text("client")};
    return checked_build(r, seal_fields(t, f, "seal_for", encode(req), kind::otp_request));
  };
  return s;
}

message_schema otp_reply_schema() {
  message_schema s;
  s.kind = kind::otp_reply;
  s.fields = {{"nonce", "bytes", "clear, signed by the bank", "", ""},
              {"sent", "bool", "clear, signed by the bank", "", ""},
              {"refusal", "text", "clear, signed by the bank", "", ""},
              {"sign_with", "signer", "signs it (the bank)", "self", ""}};
  s.read = [](byte_view in, const term_store&) {
    field_values out;
    auto blob = decode_signed_blob(in);
    if (auto st = and_then(blob, [](const signed_blob& b) { return decode_otp_status(b.payload); }))
      out = {{"nonce", to_hex(st->nonce)}, {"sent", text_of(st->sent)}, {"refusal", st->refusal}};
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    otp_status st{r.hex("nonce"), r.flag("sent"), r.has("refusal") ? r.text("refusal") : ""};
    return checked_build(r, sign_fields(t, f, "sign_with", encode(st)));
  };
  return s;
}

message_schema setup_schema() {
  message_schema s;
  s.kind = kind::setup;
  s.fields = {{"session_key", "public_key", "sealed for the merchant", "self", ""},
              {"reply_key", "symmetric_key", "sealed for the merchant", "fresh", "session_key"},
              {"nonce", "bytes", "sealed for the merchant", "fresh", ""},
              {"item", "text", "sealed for the merchant", "", ""},
              {"client", "text", "sealed for the merchant", "", ""},
              {"seal_for", "recipient", "seals it (the merchant)", "to", ""}};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto req = and_then(open_sealed(t, in, kind::setup), decode_setup_request);
    if (!req)
      return out;
    out = {{"session_key", to_hex(req->session_key)},
           {"reply_key", to_hex(req->reply_key)},
           {"nonce", to_hex(req->nonce)},
           {"item", req->item},
           {"client", req->client}};
    // Anyone who knows a public key can compute its fingerprint.
    if (auto key = crypto::rsa_public_key::from_der(req->session_key))
      out["session_key.fingerprint"] = to_hex(key->fingerprint());
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    setup_request req{r.hex("session_key"), r.hex("reply_key"), r.hex("nonce"), r.text("item"),
                      r.text("client")};
    return checked_build(r, seal_fields(t, f, "seal_for", encode(req), kind::setup));
  };
  return s;
}

message_schema setup_reply_schema() {
  message_schema s;
  s.kind = kind::setup_reply;
  const std::string in = "signed by the merchant, under the reply key";
  s.fields = {{"nonce", "bytes", "clear", "", ""},
              {"reply_key", "symmetric_key", "the key it is sealed under", "", ""},
              {"tid", "bytes", in, "fresh", ""},
              {"item", "text", in, "", ""},
              {"amount", "amount", in, "", ""},
              {"client_key_fingerprint", "bytes", in, "", ""},
              {"merchant", "text", in, "", ""},
              {"sign_with", "signer", "signs the tid statement (the merchant)", "self", ""},
              {"tid_statement", "bytes", "the signed statement, under the reply key", "", ""}};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto opened = read_keyed(t, kind::setup_reply, in, out);
    if (!opened)
      return out;
    out["tid_statement"] = to_hex(*opened);
    auto blob = decode_signed_blob(*opened);
    auto st = and_then(blob, [](const signed_blob& b) { return decode_tid_statement(b.payload); });
    if (st) {
      out["tid"] = to_hex(st->tid);
      out["item"] = st->item;
      out["amount"] = std::to_string(st->amount);
      out["client_key_fingerprint"] = to_hex(st->client_key_fingerprint);
      out["merchant"] = st->merchant;
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) -> result<bytes> {
    field_reader r(f);
    auto key = r.hex("reply_key");
    auto nonce = r.hex("nonce");
    result<bytes> statement = r.has("tid_statement")
                                ? result<bytes>(r.hex("tid_statement"))
                                : crypto::make_error(crypto::errc::invalid_argument, "");
    if (!r.has("tid_statement")) {
      tid_statement st{r.hex("tid"), r.text("item"), r.amount("amount"),
                       r.hex("client_key_fingerprint"), r.text("merchant")};
      if (r.error())
        return *r.error();
      statement = sign_fields(t, f, "sign_with", encode(st));
    }
    if (r.error())
      return *r.error();
    return seal_keyed(t.rng, key, kind::setup_reply, nonce, std::move(statement));
  };
  return s;
}

} // namespace

std::vector<message_schema> setup_schemas() {
  return {otp_request_schema(), otp_reply_schema(), setup_schema(), setup_reply_schema()};
}

} // namespace protobed::ecommerce
