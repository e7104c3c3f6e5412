#include "actors/micropay/channel.hpp"

#include "crypto/hash.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::micropay {

namespace {

constexpr std::size_t direction_key_size = 32;

} // namespace

/// Both directions' keys: initiator->responder first.
result<bytes> channel_keys(const char* label, byte_view own_private, byte_view peer_public,
                           byte_view channel_id, byte_view transcript, byte_view responder_eph) {
  auto info = crypto::concat({byte_view(std::string_view(label)), transcript, responder_eph});
  return crypto::x25519_derive(own_private, peer_public, channel_id, info, 2 * direction_key_size);
}

namespace {

void split_keys(channel& ch, const bytes& keys, bool initiator) {
  bytes first(keys.begin(), keys.begin() + direction_key_size);
  bytes second(keys.begin() + direction_key_size, keys.end());
  ch.send_key = initiator ? first : second;
  ch.recv_key = initiator ? second : first;
}

/// The signed payload and whether the signature by the DER key verifies;
/// also that key's fingerprint.
struct checked {
  bytes payload;
  bytes fingerprint;
  bool signature_ok = false;
};

result<checked> check_signed(const signed_blob& blob, byte_view key_der) {
  auto key = crypto::rsa_public_key::from_der(key_der);
  if (!key)
    return key.error();
  return checked{blob.payload, key->fingerprint(), key->verify(blob.payload, blob.signature)};
}

} // namespace

result<bytes> channel::seal(crypto::rng& r, const char* kind, const result<bytes>& payload) {
  if (!payload)
    return payload.error();
  record rec{id, sent + 1, {}};
  auto sealed = crypto::gcm_seal(r, send_key, *payload, record_ad(kind, id, rec.seq));
  if (!sealed)
    return sealed.error();
  ++sent;
  rec.sealed = std::move(*sealed);
  return encode(rec);
}

std::optional<bytes> channel::open(const char* kind, const record& rec, bool check_replays,
                                   context& ctx) {
  auto plain = crypto::gcm_open(recv_key, rec.sealed, record_ad(kind, id, rec.seq));
  if (!plain) {
    ctx.emit("RecordInvalid",
             {{"kind", kind}, {"from", peer}, {"reason", plain.error().message()}});
    return std::nullopt;
  }
  if (rec.seq <= received && check_replays) {
    ctx.emit("ReplayRejected", {{"kind", kind}, {"from", peer}, {"seq", std::to_string(rec.seq)}});
    return std::nullopt;
  }
  received = std::max(received, rec.seq);
  return std::move(*plain);
}

result<dialing> start_handshake(const char* label, crypto::rng& r,
                                const crypto::rsa_private_key& me, const bytes& card, sim_time now,
                                const std::string& to) {
  dialing d{r.generate(channel_id_size), crypto::x25519_keypair::generate(r), {}, to};
  hello h{d.channel, d.ephemeral.public_key, me.public_key().to_der(), now.count(), card};
  auto payload = encode(h, label);
  if (!payload)
    return payload.error();
  auto sent = encode(signed_blob{*payload, me.sign(r, *payload)});
  if (!sent)
    return sent.error();
  d.sent = std::move(*sent);
  return d;
}

result<inbound_hello> read_hello(const char* label, byte_view packet) {
  auto blob = decode_signed_blob(packet);
  if (!blob)
    return blob.error();
  auto h = decode_hello(blob->payload, label);
  if (!h)
    return h.error();
  auto c = check_signed(*blob, h->public_key);
  if (!c)
    return c.error();
  return inbound_hello{std::move(*h), crypto::sha256(packet), c->fingerprint, c->signature_ok};
}

result<answered> answer_hello(const char* label, crypto::rng& r, const crypto::rsa_private_key& me,
                              const inbound_hello& in, const bytes& card, const std::string& peer) {
  auto eph = crypto::x25519_keypair::generate(r);
  welcome w{in.h.channel,  eph.public_key,           in.h.ephemeral,
            in.transcript, me.public_key().to_der(), card};
  auto payload = encode(w, label);
  if (!payload)
    return payload.error();
  auto keys = channel_keys(label, eph.private_key, in.h.ephemeral, in.h.channel, in.transcript,
                           eph.public_key);
  if (!keys)
    return keys.error();
  auto out = encode(signed_blob{*payload, me.sign(r, *payload)});
  if (!out)
    return out.error();
  answered a{std::move(*out), {}};
  a.channel.id = in.h.channel;
  a.channel.peer_key = in.h.public_key;
  a.channel.peer = peer;
  split_keys(a.channel, *keys, false);
  return a;
}

result<inbound_welcome> read_welcome(const char* label, const dialing& d, byte_view packet) {
  auto blob = decode_signed_blob(packet);
  if (!blob)
    return blob.error();
  auto w = decode_welcome(blob->payload, label);
  if (!w)
    return w.error();
  auto c = check_signed(*blob, w->public_key);
  if (!c)
    return c.error();
  bool answers = crypto::constant_time_equal(w->transcript, crypto::sha256(d.sent)) &&
                 crypto::constant_time_equal(w->initiator_ephemeral, d.ephemeral.public_key);
  return inbound_welcome{std::move(*w), c->fingerprint, c->signature_ok, answers};
}

result<channel> finish_handshake(const char* label, const dialing& d, const inbound_welcome& in) {
  // The transcript as the answer states it: the same as ours when the caller
  // checked transcript_ok, whatever the answer says when it did not.
  auto keys = channel_keys(label, d.ephemeral.private_key, in.w.ephemeral, d.channel,
                           in.w.transcript, in.w.ephemeral);
  if (!keys)
    return keys.error();
  channel ch;
  ch.id = d.channel;
  ch.peer_key = in.w.public_key;
  ch.peer = d.to;
  split_keys(ch, *keys, true);
  return ch;
}

} // namespace protobed::micropay
