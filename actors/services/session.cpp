#include "actors/services/session.hpp"

#include "crypto/codec.hpp"
#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::services {

namespace {

constexpr std::size_t key_size = 32;

} // namespace

bytes record_ad(const char* kind, byte_view id, std::uint64_t seq) {
  crypto::writer w;
  w.str(kind).field(id).u64(seq);
  auto out = std::move(w).finish();
  return out ? *out : bytes{};
}

result<bytes> encode(const record& x) {
  crypto::writer w;
  w.field(x.session).u64(x.seq).field(x.sealed);
  return std::move(w).finish();
}

result<record> decode_record(byte_view in) {
  crypto::reader r(in);
  record x;
  x.session = r.exact(session_id_size);
  x.seq = r.u64();
  x.sealed = r.field();
  if (auto st = r.finish(); !st)
    return st.error();
  return x;
}

result<session> session::derive(const char* label, bytes id, byte_view secret, bool opener) {
  if (id.size() != session_id_size || secret.size() != session_secret_size)
    return crypto::make_error(crypto::errc::malformed, "session id or secret of the wrong size");
  auto keys = crypto::hkdf_sha256(secret, id, byte_view(std::string_view(label)), 2 * key_size);
  if (!keys)
    return keys.error();
  bytes first(keys->begin(), keys->begin() + key_size);
  bytes second(keys->begin() + key_size, keys->end());
  session s;
  s.id_ = std::move(id);
  s.send_key_ = opener ? first : second;
  s.recv_key_ = opener ? second : first;
  return s;
}

result<bytes> session::seal(crypto::rng& r, const char* kind, const result<bytes>& payload) {
  if (!payload)
    return payload.error();
  record rec{id_, sent_ + 1, {}};
  auto sealed = crypto::gcm_seal(r, send_key_, *payload, record_ad(kind, id_, rec.seq));
  if (!sealed)
    return sealed.error();
  ++sent_;
  rec.sealed = std::move(*sealed);
  return encode(rec);
}

session::opened session::open(const char* kind, const record& rec, bool check_replays) {
  auto plain = crypto::gcm_open(recv_key_, rec.sealed, record_ad(kind, rec.session, rec.seq));
  if (!plain)
    return {std::nullopt, refusal::invalid};
  if (check_replays && rec.seq <= received_) // after the tag: only real records move it
    return {std::nullopt, refusal::replayed};
  received_ = std::max(received_, rec.seq);
  return {std::move(*plain), refusal::invalid};
}

const char* to_string(session::refusal r) {
  return r == session::refusal::replayed ? "replayed" : "invalid tag";
}

} // namespace protobed::services
