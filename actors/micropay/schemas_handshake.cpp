// Schemas of the handshakes: hello and welcome (peer <-> server), dial and
// answer (peer <-> peer). Each is signed by its sender's long-term key, which
// it carries; an attacker can sign only with keys it holds. An attacker that
// builds its own hello or dial chooses the ephemeral secret, so it can read
// the channel keys off the answer, as the real initiator would.
#include "actors/micropay/channel.hpp"
#include "actors/micropay/schemas.hpp"

namespace protobed::micropay {

namespace {

using crypto::to_hex;

const char* signed_clear = "clear, signed by the sender";

field_doc card_field(bool with_card) {
  return {"card", "bytes", std::string(signed_clear) + ", itself signed by the server",
          with_card ? "" : "empty", ""};
}

/// A handshake message: the ephemeral key made from `ephemeral_secret`,
/// the long-term key of `sign_with` carried, the payload `encode` makes from
/// them signed with that key.
template <class Encode>
result<bytes> build_signed(const field_values& f, const term_store& t, Encode encode_payload) {
  field_reader r(f);
  auto key = field_signer(f, "sign_with", t);
  if (!key)
    return key.error();
  auto pair = crypto::x25519_keypair::from_private(r.hex("ephemeral_secret"));
  if (!pair)
    return pair.error();
  auto payload = encode_payload(r, pair->public_key, key->public_key().to_der());
  return checked_build(r, and_then(payload, [&](const bytes& b) {
                         return encode(signed_blob{b, key->sign(t.rng, b)});
                       }));
}

message_schema hello_schema(const char* k, bool with_card) {
  message_schema s;
  s.kind = k;
  s.fields = {{"channel", "bytes", signed_clear, "fresh", "", channel_id_size},
              {"ephemeral_secret", "symmetric_key",
               "never sent: the X25519 private key the ephemeral key is made from", "fresh", "",
               32},
              {"ephemeral", "bytes", std::string(signed_clear) + " (made from ephemeral_secret)",
               "empty", ""},
              {"time", "amount", signed_clear + std::string(" (ns)"), "", ""},
              card_field(with_card),
              {"sign_with", "signer", "signs it; its public key is carried", "self", ""}};
  s.read = [k](byte_view in, const term_store&) {
    field_values out;
    auto blob = decode_signed_blob(in);
    if (auto h = and_then(blob, [k](const signed_blob& b) { return decode_hello(b.payload, k); }))
      out = {{"channel", to_hex(h->channel)},
             {"ephemeral", to_hex(h->ephemeral)},
             {"public_key", to_hex(h->public_key)},
             {"time", std::to_string(h->time)},
             {"card", to_hex(h->card)}};
    return out;
  };
  s.build = [k](const field_values& f, const term_store& t) {
    return build_signed(f, t, [k](field_reader& r, const bytes& ephemeral, const bytes& key) {
      return encode(hello{r.hex("channel"), ephemeral, key, r.amount("time"), r.hex("card")}, k);
    });
  };
  return s;
}

/// The channel keys, for an observer holding either end's ephemeral secret
/// (it built the hello or the answer itself): both directions, or nothing.
void read_channel_keys(const char* k, const welcome& w, const term_store& t, field_values& out) {
  for (const auto& secret : t.known.symmetric_keys) {
    if (secret.size() != 32)
      continue;
    auto pair = crypto::x25519_keypair::from_private(secret);
    if (!pair || (pair->public_key != w.initiator_ephemeral && pair->public_key != w.ephemeral))
      continue;
    const auto& other = pair->public_key == w.ephemeral ? w.initiator_ephemeral : w.ephemeral;
    auto keys = channel_keys(k, secret, other, w.channel, w.transcript, w.ephemeral);
    if (!keys)
      return;
    out["key_to_responder"] = to_hex(byte_view(keys->data(), 32));
    out["key_to_initiator"] = to_hex(byte_view(keys->data() + 32, 32));
    return;
  }
}

message_schema welcome_schema(const char* k, bool with_card) {
  message_schema s;
  s.kind = k;
  const char* derived =
    "never sent: derived (X25519 + HKDF) by whoever holds either ephemeral secret";
  s.fields = {
    {"channel", "bytes", signed_clear, "", "", channel_id_size},
    {"ephemeral_secret", "symmetric_key",
     "never sent: the X25519 private key the ephemeral key is made from", "fresh", "", 32},
    {"ephemeral", "bytes", std::string(signed_clear) + " (made from ephemeral_secret)", "empty",
     ""},
    {"initiator_ephemeral", "bytes", signed_clear, "", "", 32},
    {"transcript", "bytes", signed_clear + std::string(" (the hello's SHA-256)"), "fresh", "", 32},
    card_field(with_card),
    {"sign_with", "signer", "signs it; its public key is carried", "self", ""},
    {"key_to_responder", "symmetric_key", derived, "empty", ""},
    {"key_to_initiator", "symmetric_key", derived, "empty", ""}};
  s.read = [k](byte_view in, const term_store& t) {
    field_values out;
    auto blob = decode_signed_blob(in);
    auto w = and_then(blob, [k](const signed_blob& b) { return decode_welcome(b.payload, k); });
    if (!w)
      return out;
    out = {{"channel", to_hex(w->channel)},
           {"ephemeral", to_hex(w->ephemeral)},
           {"initiator_ephemeral", to_hex(w->initiator_ephemeral)},
           {"transcript", to_hex(w->transcript)},
           {"public_key", to_hex(w->public_key)},
           {"card", to_hex(w->card)}};
    read_channel_keys(k, *w, t, out);
    return out;
  };
  s.build = [k](const field_values& f, const term_store& t) {
    return build_signed(f, t, [k](field_reader& r, const bytes& ephemeral, const bytes& key) {
      return encode(welcome{r.hex("channel"), ephemeral, r.hex("initiator_ephemeral"),
                            r.hex("transcript"), key, r.hex("card")},
                    k);
    });
  };
  return s;
}

} // namespace

std::vector<message_schema> handshake_schemas() {
  return {hello_schema(kind::hello, false), welcome_schema(kind::welcome, false),
          hello_schema(kind::dial, true), welcome_schema(kind::answer, true)};
}

} // namespace protobed::micropay
