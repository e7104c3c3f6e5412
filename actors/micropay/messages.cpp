#include "actors/micropay/messages.hpp"

#include "crypto/codec.hpp"

namespace protobed::micropay {

namespace {

using crypto::decode_labelled;
using crypto::encode_labelled;
using crypto::reader;
using crypto::writer;

constexpr std::size_t small = 64;      // names, addresses, outcomes
constexpr std::size_t key_max = 1024;  // a DER public key
constexpr std::size_t blob_max = 4096; // a signed card or token

} // namespace

result<bytes> encode(const card& x) {
  return encode_labelled("micropay.card", [&](writer& w) {
    w.str(x.name).str(x.address).field(x.key_fingerprint).i64(x.expires);
  });
}

result<card> decode_card(byte_view in) {
  return decode_labelled<card>(in, "micropay.card", [](reader& r, card& x) {
    x.name = r.str(small);
    x.address = r.str(small);
    x.key_fingerprint = r.exact(32);
    x.expires = r.i64();
  });
}

result<bytes> encode(const hello& x, const char* label) {
  return encode_labelled(label, [&](writer& w) {
    w.field(x.channel).field(x.ephemeral).field(x.public_key).i64(x.time).field(x.card);
  });
}

result<hello> decode_hello(byte_view in, const char* label) {
  return decode_labelled<hello>(in, label, [](reader& r, hello& x) {
    x.channel = r.exact(channel_id_size);
    x.ephemeral = r.exact(32);
    x.public_key = r.field(key_max);
    x.time = r.i64();
    x.card = r.field(blob_max);
  });
}

result<bytes> encode(const welcome& x, const char* label) {
  return encode_labelled(label, [&](writer& w) {
    w.field(x.channel).field(x.ephemeral).field(x.initiator_ephemeral).field(x.transcript);
    w.field(x.public_key).field(x.card);
  });
}

result<welcome> decode_welcome(byte_view in, const char* label) {
  return decode_labelled<welcome>(in, label, [](reader& r, welcome& x) {
    x.channel = r.exact(channel_id_size);
    x.ephemeral = r.exact(32);
    x.initiator_ephemeral = r.exact(32);
    x.transcript = r.exact(32);
    x.public_key = r.field(key_max);
    x.card = r.field(blob_max);
  });
}

result<bytes> encode(const record& x) {
  return encode_labelled("micropay.record",
                         [&](writer& w) { w.field(x.channel).u64(x.seq).field(x.sealed); });
}

result<record> decode_record(byte_view in) {
  return decode_labelled<record>(in, "micropay.record", [](reader& r, record& x) {
    x.channel = r.exact(channel_id_size);
    x.seq = r.u64();
    x.sealed = r.field(max_text + blob_max + 64);
  });
}

bytes record_ad(const char* kind, byte_view channel, std::uint64_t seq) {
  writer w;
  w.str(kind).field(channel).u64(seq);
  auto ad = std::move(w).finish();
  return ad ? std::move(*ad) : bytes{};
}

result<bytes> encode(const request& x) {
  return encode_labelled("micropay.request",
                         [&](writer& w) { w.u64(x.id).str(x.text).field(x.attachment); });
}

result<request> decode_request(byte_view in) {
  return decode_labelled<request>(in, "micropay.request", [](reader& r, request& x) {
    x.id = r.u64();
    x.text = r.str(max_text);
    x.attachment = r.field(blob_max);
  });
}

result<bytes> encode(const reply& x) {
  return encode_labelled("micropay.reply",
                         [&](writer& w) { w.u64(x.id).str(x.text).field(x.attachment); });
}

result<reply> decode_reply(byte_view in) {
  return decode_labelled<reply>(in, "micropay.reply", [](reader& r, reply& x) {
    x.id = r.u64();
    x.text = r.str(max_text);
    x.attachment = r.field(blob_max);
  });
}

result<bytes> encode(const token& x) {
  return encode_labelled("micropay.token", [&](writer& w) {
    w.field(x.id).str(x.payer).str(x.payee).i64(x.amount).i64(x.expires);
  });
}

result<token> decode_token(byte_view in) {
  return decode_labelled<token>(in, "micropay.token", [](reader& r, token& x) {
    x.id = r.exact(token_id_size);
    x.payer = r.str(small);
    x.payee = r.str(small);
    x.amount = r.i64();
    x.expires = r.i64();
  });
}

result<bytes> encode(const settlement& x) {
  return encode_labelled("micropay.settlement",
                         [&](writer& w) { w.field(x.token).str(x.outcome).i64(x.amount); });
}

result<settlement> decode_settlement(byte_view in) {
  return decode_labelled<settlement>(in, "micropay.settlement", [](reader& r, settlement& x) {
    x.token = r.exact(token_id_size);
    x.outcome = r.str(small);
    x.amount = r.i64();
  });
}

result<bytes> encode(const chat_line& x) {
  return encode_labelled("micropay.chat", [&](writer& w) { w.str(x.text); });
}

result<chat_line> decode_chat_line(byte_view in) {
  return decode_labelled<chat_line>(in, "micropay.chat",
                                    [](reader& r, chat_line& x) { x.text = r.str(max_text); });
}

parsed_command parse_command(const std::string& text) {
  std::vector<std::string> parts{""};
  for (char c : text)
    if (c == '#')
      parts.emplace_back();
    else
      parts.back() += c;
  using verb = parsed_command::verb;
  parsed_command p;
  if (parts.size() == 1 && text == "List")
    p.what = verb::list;
  else if (parts.size() == 1 && text == "Exit")
    p.what = verb::exit;
  else if (parts.size() == 2 && parts[0] == "REGISTER" && !parts[1].empty())
    p = {verb::register_name, parts[1], "", "", ""};
  else if (parts.size() == 4 && parts[0] == "PayRequest")
    p = {verb::pay, parts[1], "", parts[2], parts[3]};
  else if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty() && parts[0] != "REGISTER")
    p = {verb::login, parts[0], parts[1], "", ""};
  return p;
}

std::string gives_you(const std::string& payer, std::int64_t amount) {
  return payer + " gives you " + std::to_string(amount) + " dollars";
}

std::string short_id(byte_view b) {
  return crypto::to_hex(byte_view(b.data(), std::min<std::size_t>(b.size(), 8)));
}

} // namespace protobed::micropay
