// Schemas of the outcome messages: bank_reply, outcome, resolve, resolve_reply.
#include "actors/ecommerce/schemas.hpp"
#include "actors/ecommerce/sealing.hpp"

namespace protobed::ecommerce {

namespace {

using crypto::to_hex;

/// "committed" or "aborted: <reason>", as scenarios write outcomes.
result<outcome> outcome_of(const std::string& text) {
  if (text == "committed")
    return outcome::commit();
  const std::string aborted = "aborted: ";
  if (text.compare(0, aborted.size(), aborted) == 0)
    return outcome::abort(text.substr(aborted.size()));
  return crypto::make_error(crypto::errc::invalid_argument,
                            "outcome must be 'committed' or 'aborted: <reason>', not '" + text +
                              "'");
}

void read_statement(byte_view signed_statement, field_values& out) {
  auto blob = decode_signed_blob(signed_statement);
  auto st =
    and_then(blob, [](const signed_blob& b) { return decode_outcome_statement(b.payload); });
  if (!st)
    return;
  out["statement"] = to_hex(bytes(signed_statement.begin(), signed_statement.end()));
  out["tid"] = to_hex(st->tid);
  out["merchant"] = st->merchant;
  out["amount"] = std::to_string(st->amount);
  out["statement_nonce"] = to_hex(st->nonce);
  out["outcome"] = st->result.text();
}

/// The signed statement as given, or built and signed from its fields.
result<bytes> build_statement(const field_values& f, const term_store& t) {
  field_reader r(f);
  if (r.has("statement")) {
    auto b = r.hex("statement");
    return r.error() ? result<bytes>(*r.error()) : result<bytes>(b);
  }
  auto result_of = outcome_of(r.text("outcome"));
  outcome_statement st{
    r.hex("tid"), r.text("merchant"), r.amount("amount"), r.hex("statement_nonce"), {}};
  if (r.error())
    return *r.error();
  if (!result_of)
    return result_of.error();
  st.result = *result_of;
  return sign_fields(t, f, "sign_with", encode(st));
}

std::vector<field_doc> statement_fields(const std::string& protection) {
  return {{"statement", "bytes", protection + ": the whole signed statement (or built)", "", ""},
          {"tid", "bytes", protection, "", ""},
          {"merchant", "text", protection + " (whose tid)", "empty", ""},
          {"amount", "amount", protection, "", ""},
          {"statement_nonce", "bytes", protection, "", ""},
          {"outcome",
           "text",
           protection,
           "",
           "",
           0,
           {"committed", "aborted: resolved-without-payment", "aborted: insufficient-funds"}},
          {"sign_with", "signer", "signs it (the bank)", "self", ""}};
}

message_schema signed_outcome_schema(const char* k) {
  message_schema s;
  s.kind = k;
  s.fields = statement_fields("clear, signed by the bank");
  s.read = [](byte_view in, const term_store&) {
    field_values out;
    read_statement(in, out);
    return out;
  };
  s.build = build_statement;
  return s;
}

message_schema outcome_schema() {
  message_schema s;
  s.kind = kind::outcome;
  s.fields = {{"nonce", "bytes", "clear", "", ""},
              {"reply_key", "symmetric_key", "the key it is sealed under", "", ""}};
  for (auto& f : statement_fields("signed by the bank, under the reply key"))
    s.fields.push_back(f);
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto opened = read_keyed(t, kind::outcome, in, out))
      read_statement(*opened, out);
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) -> result<bytes> {
    field_reader r(f);
    auto key = r.hex("reply_key");
    auto nonce = r.hex("nonce");
    if (r.error())
      return *r.error();
    return seal_keyed(t.rng, key, kind::outcome, nonce, build_statement(f, t));
  };
  return s;
}

message_schema resolve_schema() {
  message_schema s;
  s.kind = kind::resolve;
  const std::string in = "signed by the session key, sealed for the bank";
  s.fields = {
    {"tid", "bytes", in, "", ""},
    {"amount", "amount", in, "", ""},
    {"nonce", "bytes", in, "fresh", ""},
    {"session_key", "public_key", in, "self", ""},
    {"tid_statement", "bytes", in + " (the merchant's signed tid statement)", "empty", ""},
    {"sign_with", "signer", "signs it (the session key)", "self", ""},
    {"seal_for", "recipient", "seals it (the bank)", "to", ""}};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto blob = and_then(open_sealed(t, in, kind::resolve), decode_signed_blob);
    auto req =
      and_then(blob, [](const signed_blob& b) { return decode_resolve_request(b.payload); });
    if (req) {
      out = {{"tid", to_hex(req->tid)},
             {"amount", std::to_string(req->amount)},
             {"nonce", to_hex(req->nonce)},
             {"session_key", to_hex(req->session_key)}};
      if (auto st = encode(req->tid_statement))
        out["tid_statement"] = to_hex(*st);
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) -> result<bytes> {
    field_reader r(f);
    resolve_request req{r.hex("tid"), r.amount("amount"), r.hex("nonce"), r.hex("session_key"), {}};
    auto raw = r.hex("tid_statement");
    if (r.error())
      return *r.error();
    if (!raw.empty()) { // empty: the attacker has no statement to show
      auto statement = decode_signed_blob(raw);
      if (!statement)
        return statement.error();
      req.tid_statement = *statement;
    }
    auto signed_req = sign_fields(t, f, "sign_with", encode(req));
    return seal_fields(t, f, "seal_for", std::move(signed_req), kind::resolve);
  };
  return s;
}

} // namespace

std::vector<message_schema> outcome_schemas() {
  return {signed_outcome_schema(kind::bank_reply), outcome_schema(), resolve_schema(),
          signed_outcome_schema(kind::resolve_reply)};
}

} // namespace protobed::ecommerce
