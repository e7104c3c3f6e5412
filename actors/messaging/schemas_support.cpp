// Building blocks of the messaging schemas: link packets (MAC, no
// encryption), signatures by a named key, and end-to-end envelopes.
#include "actors/messaging/schemas.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::messaging {

using crypto::to_hex;

field_doc link_key_field(const char* whose) {
  return {"link_key", "symmetric_key", std::string("MACs it (") + whose + "'s link key)", "fresh",
          "link_key"};
}

std::optional<bytes> read_link(const term_store& t, const char* kind, byte_view in,
                               field_values& out) {
  auto l = decode_linked(in);
  if (!l)
    return std::nullopt;
  out["phone"] = l->phone;
  for (const auto& key : t.known.symmetric_keys)
    if (key.size() == link_key_size && unlink(key, kind, *l)) {
      out["link_key"] = to_hex(key);
      break;
    }
  return l->payload;
}

result<bytes> build_link(const field_values& f, const char* kind, result<bytes> payload) {
  field_reader r(f);
  auto phone = r.text("phone");
  auto key = r.hex("link_key");
  if (r.error())
    return *r.error();
  return link(key, kind, phone, std::move(payload));
}

result<bytes> sign_fields(const term_store& t, const field_values& f, const std::string& signer,
                          result<bytes> payload) {
  auto key = field_signer(f, signer, t);
  if (!key)
    return key.error();
  return and_then(payload, [&](const bytes& b) {
    return encode(signed_blob{b, key->sign(t.rng, b)});
  });
}

std::vector<field_doc> envelope_fields(const char* where) {
  std::string clear = std::string("clear in the envelope, under its HMAC (") + where + ")";
  return {
    {"env.from", "text", clear, "", ""},
    {"env.to", "text", clear, "", ""},
    {"env.session", "bytes", clear, "fresh", ""},
    {"env.seq", "amount", clear, "", ""},
    {"env.session_key", "symmetric_key", "wrapped with RSA-OAEP for the recipient", "fresh",
     "session_key", crypto::cbc_hmac_key_size},
    {"env.wrap_for", "recipient", "wraps the session key (the recipient)", "to", ""},
    {"env.sign_with", "signer", "signs the wrapped key (the sender)", "self", ""},
    {"env.text", "text", "AES-256-CBC + HMAC under the session key", "", "message"},
  };
}

namespace {

/// The session key, unwrapped with a private key the observer holds or
/// among the symmetric keys it learned (tried on the body's HMAC).
std::optional<bytes> session_key_of(const term_store& t, const envelope& e, const bytes& ad) {
  for (const auto& [owner, key] : t.known.private_keys)
    if (auto k = key.decrypt(t.rng, e.wrapped_key); k && k->size() == crypto::cbc_hmac_key_size)
      return *k;
  for (const auto& k : t.known.symmetric_keys)
    if (k.size() == crypto::cbc_hmac_key_size && crypto::cbc_hmac_open(k, e.body, ad))
      return k;
  return std::nullopt;
}

} // namespace

void read_envelope(const term_store& t, byte_view env, field_values& out) {
  auto e = decode_envelope(env);
  if (!e)
    return;
  out["env.from"] = e->h.from;
  out["env.to"] = e->h.to;
  out["env.session"] = to_hex(e->h.session);
  out["env.seq"] = std::to_string(e->h.seq);
  auto ad = encode(e->h);
  auto key = ad ? session_key_of(t, *e, *ad) : std::nullopt;
  if (!key)
    return;
  out["env.session_key"] = to_hex(*key);
  if (auto pt = crypto::cbc_hmac_open(*key, e->body, *ad))
    out["env.text"] = std::string(pt->begin(), pt->end());
}

result<bytes> build_envelope(const field_values& f, const term_store& t) {
  field_reader r(f);
  envelope e;
  e.h = header{r.text("env.from"), r.text("env.to"), r.hex("env.session"),
               static_cast<std::uint64_t>(r.amount("env.seq"))};
  auto key = r.hex("env.session_key");
  auto text = r.text("env.text");
  if (r.error())
    return *r.error();
  auto recipient = field_recipient(f, "env.wrap_for", t);
  if (!recipient)
    return recipient.error();
  auto wrapped = recipient->encrypt(t.rng, key);
  if (!wrapped)
    return wrapped.error();
  e.wrapped_key = *wrapped;
  auto signer = field_signer(f, "env.sign_with", t);
  auto statement = wrap_statement(e.h, e.wrapped_key);
  if (!signer || !statement)
    return signer ? statement.error() : signer.error();
  e.wrap_signature = signer->sign(t.rng, *statement);
  auto body = and_then(encode(e.h), [&](const bytes& ad) {
    return crypto::cbc_hmac_seal(t.rng, key, byte_view(text), ad);
  });
  if (!body)
    return body.error();
  e.body = *body;
  return encode(e);
}

std::vector<message_schema> schemas() {
  std::vector<message_schema> all;
  for (auto* part : {registration_schemas, chat_schemas})
    for (auto& s : part())
      all.push_back(std::move(s));
  return all;
}

} // namespace protobed::messaging
