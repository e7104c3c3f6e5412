#include "actors/services/session_schema.hpp"

#include "crypto/codec.hpp"
#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::services {

namespace {

/// The keys to try on a record of session `id`: each learned key, and the
/// two derived from it as if it were the session's secret.
std::vector<bytes> candidate_keys(const term_store& t, const char* label, const bytes& id) {
  std::vector<bytes> out;
  for (const auto& key : t.known.symmetric_keys) {
    if (key.size() != 32)
      continue;
    out.push_back(key);
    if (auto d = crypto::hkdf_sha256(key, id, byte_view(std::string_view(label)), 64)) {
      out.emplace_back(d->begin(), d->begin() + 32);
      out.emplace_back(d->begin() + 32, d->end());
    }
  }
  return out;
}

} // namespace

message_schema record_schema(const char* kind, const char* label, payload_fields payload) {
  message_schema s;
  s.kind = kind;
  const char* under = "AES-256-GCM under the session key of its direction";
  s.fields = {
    {"session", "bytes", "clear, authenticated by the record's tag", "", ""},
    {"seq", "amount", "clear, authenticated by the record's tag", "", ""},
    {"key", "symmetric_key", "the session's key for this direction", "fresh", "", 32},
    {"secret", "symmetric_key",
     "a session secret to derive the key from instead (its forger chose it)", "empty", "", 32},
    {"direction", "text", "with secret: opener (from who opened) or responder", "empty", ""}};
  for (auto f : payload.fields) {
    if (f.protection.empty())
      f.protection = under;
    s.fields.push_back(std::move(f));
  }
  s.read = [kind, label, read = payload.read](byte_view in, const term_store& t) {
    field_values out;
    auto rec = decode_record(in);
    if (!rec)
      return out;
    out["session"] = crypto::to_hex(rec->session);
    out["seq"] = std::to_string(rec->seq);
    auto ad = record_ad(kind, rec->session, rec->seq);
    for (const auto& key : candidate_keys(t, label, rec->session))
      if (auto plain = crypto::gcm_open(key, rec->sealed, ad)) {
        out["key"] = crypto::to_hex(key);
        read(*plain, out);
        break;
      }
    return out;
  };
  s.build = [kind, label, build = payload.build](const field_values& f, const term_store& t) {
    field_reader r(f);
    auto session = r.hex("session");
    auto seq = static_cast<std::uint64_t>(r.amount("seq"));
    auto key = r.hex("key");
    auto secret = r.hex("secret");
    auto direction = r.text("direction");
    if (r.error())
      return result<bytes>(*r.error());
    if (!secret.empty()) {
      auto d = crypto::hkdf_sha256(secret, session, byte_view(std::string_view(label)), 64);
      if (!d)
        return result<bytes>(d.error());
      auto first = d->begin() + (direction == "responder" ? 32 : 0);
      key.assign(first, first + 32);
    }
    auto body = build(f, t);
    if (!body)
      return body;
    auto sealed = crypto::gcm_seal(t.rng, key, *body, record_ad(kind, session, seq));
    if (!sealed)
      return result<bytes>(sealed.error());
    return encode(record{session, seq, *sealed});
  };
  return s;
}

void read_session_keys(const char* label, const bytes& session, const bytes& secret,
                       field_values& out) {
  out["session"] = crypto::to_hex(session);
  out["secret"] = crypto::to_hex(secret);
  auto keys = crypto::hkdf_sha256(secret, session, byte_view(std::string_view(label)), 64);
  if (!keys)
    return;
  out["opener_key"] = crypto::to_hex(byte_view(*keys).sub(0, 32));
  out["responder_key"] = crypto::to_hex(byte_view(*keys).sub(32, 32));
}

std::vector<field_doc> session_key_fields(const std::string& protection) {
  return {{"session", "bytes", protection, "fresh", "", session_id_size},
          {"secret", "symmetric_key", protection, "fresh", "", session_secret_size},
          {"opener_key", "symmetric_key", "derived from the secret (read only)", "empty", ""},
          {"responder_key", "symmetric_key", "derived from the secret (read only)", "empty", ""}};
}

} // namespace protobed::services
