// Schemas of the records: every packet after a handshake is a payload under
// the channel's key for its direction. An observer reads the payload only
// with a channel key it learned; a forger seals under any key it names.
#include <functional>

#include "actors/micropay/schemas.hpp"
#include "crypto/symmetric.hpp"

namespace protobed::micropay {

namespace {

using crypto::to_hex;

/// How one record kind's payload maps to fields.
struct payload_map {
  std::vector<field_doc> fields;
  std::function<void(byte_view payload, field_values& out)> read;
  std::function<result<bytes>(field_reader& r)> build;
  /// Instead of `build`, for a payload that needs keys (a signed token).
  std::function<result<bytes>(const field_values& f, const term_store& t)> build_with_keys;
};

message_schema record_schema(const char* k, payload_map m) {
  message_schema s;
  s.kind = k;
  const char* under = "AES-256-GCM under the channel key";
  s.fields = {
    {"channel", "bytes", "clear, authenticated by the record's tag", "", ""},
    {"seq", "amount", "clear, authenticated by the record's tag", "", ""},
    {"channel_key", "symmetric_key", "the channel's key for this direction", "fresh", "", 32}};
  for (auto f : m.fields) {
    f.protection = under;
    s.fields.push_back(std::move(f));
  }
  s.read = [k, read = m.read](byte_view in, const term_store& t) {
    field_values out;
    auto rec = decode_record(in);
    if (!rec)
      return out;
    out["channel"] = to_hex(rec->channel);
    out["seq"] = std::to_string(rec->seq);
    auto ad = record_ad(k, rec->channel, rec->seq);
    for (const auto& key : t.known.symmetric_keys)
      if (key.size() == 32)
        if (auto plain = crypto::gcm_open(key, rec->sealed, ad)) {
          out["channel_key"] = to_hex(key);
          read(*plain, out);
          break;
        }
    return out;
  };
  s.build = [k, build = m.build, keyed = m.build_with_keys](const field_values& f,
                                                            const term_store& t) {
    field_reader r(f);
    auto channel = r.hex("channel");
    auto seq = static_cast<std::uint64_t>(r.amount("seq"));
    auto key = r.hex("channel_key");
    auto payload = keyed ? keyed(f, t) : build(r);
    if (r.error())
      return result<bytes>(*r.error());
    if (!payload)
      return payload;
    auto sealed = crypto::gcm_seal(t.rng, key, *payload, record_ad(k, channel, seq));
    if (!sealed)
      return result<bytes>(sealed.error());
    return encode(record{channel, seq, *sealed});
  };
  return s;
}

payload_map request_map() {
  return {
    {{"id", "amount", "", "", ""},
     {"text", "text", "", "", ""},
     {"attachment", "bytes", "", "empty", ""}},
    [](byte_view p, field_values& out) {
      if (auto rq = decode_request(p)) {
        out["id"] = std::to_string(rq->id);
        out["text"] = rq->text;
        out["attachment"] = to_hex(rq->attachment);
      }
    },
    [](field_reader& r) {
      request rq{static_cast<std::uint64_t>(r.amount("id")), r.text("text"), r.hex("attachment")};
      return encode(rq);
    }};
}

payload_map reply_map() {
  return {
    {{"id", "amount", "", "", ""},
     {"text", "text", "", "", ""},
     {"attachment", "bytes", "", "empty", ""}},
    [](byte_view p, field_values& out) {
      if (auto rp = decode_reply(p)) {
        out["id"] = std::to_string(rp->id);
        out["text"] = rp->text;
        out["attachment"] = to_hex(rp->attachment);
      }
    },
    [](field_reader& r) {
      reply rp{static_cast<std::uint64_t>(r.amount("id")), r.text("text"), r.hex("attachment")};
      return encode(rp);
    }};
}

/// A token record carries a server-signed token: relayed as it was seen
/// (`token`), or built and signed by whoever the forger can sign as.
payload_map token_map() {
  return {{{"token", "bytes", "", "empty", "payment_token", 0},
           {"token.id", "bytes", "", "fresh", "", token_id_size},
           {"token.payer", "text", "", "empty", ""},
           {"token.payee", "text", "", "empty", ""},
           {"token.amount", "amount", "", "empty", ""},
           {"token.expires", "amount", "", "empty", ""},
           {"token.sign_with", "signer", "signs the token (the server, if one can)", "self", ""}},
          [](byte_view p, field_values& out) {
            out["token"] = to_hex(p);
            auto blob = decode_signed_blob(p);
            if (auto t = blob ? decode_token(blob->payload) : result<token>(blob.error())) {
              out["token.id"] = to_hex(t->id);
              out["token.payer"] = t->payer;
              out["token.payee"] = t->payee;
              out["token.amount"] = std::to_string(t->amount);
              out["token.expires"] = std::to_string(t->expires);
            }
          },
          nullptr};
}

/// The token record's payload: the token as given, or one built and signed.
result<bytes> build_token(const field_values& f, const term_store& t) {
  field_reader r(f);
  auto given = r.hex("token");
  if (!given.empty() || r.error())
    return checked_build(r, result<bytes>(given));
  token x{r.hex("token.id"), r.text("token.payer"), r.text("token.payee"), r.amount("token.amount"),
          r.amount("token.expires")};
  auto key = field_signer(f, "token.sign_with", t);
  if (!key)
    return key.error();
  return checked_build(r, and_then(encode(x), [&](const bytes& b) {
                         return encode(signed_blob{b, key->sign(t.rng, b)});
                       }));
}

payload_map settled_map() {
  return {{{"token", "bytes", "", "", "", token_id_size},
           {"outcome", "text", "", "", "", 0, {"settled", "expired"}},
           {"amount", "amount", "", "", ""}},
          [](byte_view p, field_values& out) {
            if (auto s = decode_settlement(p)) {
              out["token"] = to_hex(s->token);
              out["outcome"] = s->outcome;
              out["amount"] = std::to_string(s->amount);
            }
          },
          [](field_reader& r) {
            return encode(settlement{r.hex("token"), r.text("outcome"), r.amount("amount")});
          }};
}

payload_map chat_map() {
  return {{{"text", "text", "", "", "chat"}},
          [](byte_view p, field_values& out) {
            if (auto c = decode_chat_line(p))
              out["text"] = c->text;
          },
          [](field_reader& r) { return encode(chat_line{r.text("text")}); }};
}

payload_map with_keys(payload_map m,
                      result<bytes> (*build)(const field_values&, const term_store&)) {
  m.build_with_keys = build;
  return m;
}

} // namespace

std::vector<message_schema> record_schemas() {
  return {record_schema(kind::command, request_map()),
          record_schema(kind::reply, reply_map()),
          record_schema(kind::token, with_keys(token_map(), build_token)),
          record_schema(kind::redeem, request_map()),
          record_schema(kind::settled, settled_map()),
          record_schema(kind::chat, chat_map())};
}

std::vector<message_schema> schemas() {
  auto all = handshake_schemas();
  for (auto& s : record_schemas())
    all.push_back(std::move(s));
  return all;
}

} // namespace protobed::micropay
