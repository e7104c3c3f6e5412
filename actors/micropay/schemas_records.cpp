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
};

message_schema record_schema(const char* k, payload_map m) {
  message_schema s;
  s.kind = k;
  const char* under = "AES-256-GCM under the channel key";
  s.fields = {{"channel", "bytes", "clear, authenticated by the record's tag", "", ""},
              {"seq", "amount", "clear, authenticated by the record's tag", "", ""},
              {"channel_key", "symmetric_key", "the channel's key for this direction", "fresh",
               "channel_key", 32}};
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
  s.build = [k, build = m.build](const field_values& f, const term_store& t) {
    field_reader r(f);
    auto channel = r.hex("channel");
    auto seq = static_cast<std::uint64_t>(r.amount("seq"));
    auto key = r.hex("channel_key");
    auto payload = build(r);
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

payload_map token_map() {
  return {{{"token", "bytes", "", "", "", 0}},
          [](byte_view p, field_values& out) { out["token"] = to_hex(p); },
          [](field_reader& r) { return result<bytes>(r.hex("token")); }};
}

payload_map settled_map() {
  return {{{"token", "bytes", "", "", "", token_id_size},
           {"outcome", "text", "", "", ""},
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
  return {{{"text", "text", "", "", ""}},
          [](byte_view p, field_values& out) {
            if (auto c = decode_chat_line(p))
              out["text"] = c->text;
          },
          [](field_reader& r) { return encode(chat_line{r.text("text")}); }};
}

} // namespace

std::vector<message_schema> record_schemas() {
  return {record_schema(kind::command, request_map()), record_schema(kind::reply, reply_map()),
          record_schema(kind::token, token_map()),     record_schema(kind::redeem, request_map()),
          record_schema(kind::settled, settled_map()), record_schema(kind::chat, chat_map())};
}

std::vector<message_schema> schemas() {
  auto all = handshake_schemas();
  for (auto& s : record_schemas())
    all.push_back(std::move(s));
  return all;
}

} // namespace protobed::micropay
