// Schemas of the handshakes: hello and welcome (peer <-> server), dial and
// answer (peer <-> peer). Each is signed by its sender's long-term key, which
// it carries; an attacker can sign only with keys it holds.
#include "actors/micropay/schemas.hpp"

namespace protobed::micropay {

namespace {

using crypto::to_hex;

const char* signed_clear = "clear, signed by the sender";

message_schema hello_schema(const char* k, bool with_card) {
  message_schema s;
  s.kind = k;
  s.fields = {{"channel", "bytes", signed_clear, "fresh", "", channel_id_size},
              {"ephemeral", "bytes", signed_clear, "fresh", "", 32},
              {"time", "amount", signed_clear + std::string(" (ns)"), "", ""},
              {"card", "bytes", std::string(signed_clear) + ", itself signed by the server",
               with_card ? "" : "empty", ""},
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
    field_reader r(f);
    auto key = field_signer(f, "sign_with", t);
    if (!key)
      return result<bytes>(key.error());
    hello h{r.hex("channel"), r.hex("ephemeral"), key->public_key().to_der(), r.amount("time"),
            r.hex("card")};
    return checked_build(r, and_then(encode(h, k), [&](const bytes& b) {
                           return encode(signed_blob{b, key->sign(t.rng, b)});
                         }));
  };
  return s;
}

message_schema welcome_schema(const char* k, bool with_card) {
  message_schema s;
  s.kind = k;
  s.fields = {
    {"channel", "bytes", signed_clear, "", "", channel_id_size},
    {"ephemeral", "bytes", signed_clear, "fresh", "", 32},
    {"transcript", "bytes", signed_clear + std::string(" (the hello's SHA-256)"), "fresh", "", 32},
    {"card", "bytes", std::string(signed_clear) + ", itself signed by the server",
     with_card ? "" : "empty", ""},
    {"sign_with", "signer", "signs it; its public key is carried", "self", ""}};
  s.read = [k](byte_view in, const term_store&) {
    field_values out;
    auto blob = decode_signed_blob(in);
    if (auto w = and_then(blob, [k](const signed_blob& b) { return decode_welcome(b.payload, k); }))
      out = {{"channel", to_hex(w->channel)},
             {"ephemeral", to_hex(w->ephemeral)},
             {"transcript", to_hex(w->transcript)},
             {"public_key", to_hex(w->public_key)},
             {"card", to_hex(w->card)}};
    return out;
  };
  s.build = [k](const field_values& f, const term_store& t) {
    field_reader r(f);
    auto key = field_signer(f, "sign_with", t);
    if (!key)
      return result<bytes>(key.error());
    welcome w{r.hex("channel"), r.hex("ephemeral"), r.hex("transcript"), key->public_key().to_der(),
              r.hex("card")};
    return checked_build(r, and_then(encode(w, k), [&](const bytes& b) {
                           return encode(signed_blob{b, key->sign(t.rng, b)});
                         }));
  };
  return s;
}

} // namespace

std::vector<message_schema> handshake_schemas() {
  return {hello_schema(kind::hello, false), welcome_schema(kind::welcome, false),
          hello_schema(kind::dial, true), welcome_schema(kind::answer, true)};
}

} // namespace protobed::micropay
