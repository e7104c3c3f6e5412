#include "actors/messaging/messages.hpp"

#include <cctype>

#include "crypto/codec.hpp"
#include "crypto/hash.hpp"

namespace protobed::messaging {

namespace {

using crypto::reader;
using crypto::writer;

constexpr std::size_t small = 64;     // phones, codes, ids, outcomes
constexpr std::size_t key_max = 1024; // a DER public key, a signature, a wrapped key
constexpr std::size_t blob_max = 16384;

using crypto::decode_labelled;
using crypto::encode_labelled;

void write_header(writer& w, const header& h) {
  w.str(h.from).str(h.to).field(h.session).u64(h.seq);
}

void read_header(reader& r, header& h) {
  h.from = r.str(small);
  h.to = r.str(small);
  h.session = r.exact(session_id_size);
  h.seq = r.u64();
}

/// What a link MAC covers: the kind, the device's phone, the payload.
bytes link_input(const char* kind, const std::string& phone, byte_view payload) {
  writer w;
  w.str(kind).str(phone).field(payload);
  auto input = std::move(w).finish();
  return input ? std::move(*input) : bytes{};
}

} // namespace

result<bytes> encode(const enrolment& x) {
  return encode_labelled("messaging.enrolment",
                         [&](writer& w) { w.str(x.phone).field(x.public_key).field(x.nonce); });
}

result<enrolment> decode_enrolment(byte_view in) {
  return decode_labelled<enrolment>(in, "messaging.enrolment", [](reader& r, enrolment& x) {
    x.phone = r.str(small);
    x.public_key = r.field(key_max);
    x.nonce = r.exact(nonce_size);
  });
}

result<bytes> encode(const confirmation& x) {
  return encode_labelled("messaging.confirmation", [&](writer& w) {
    w.str(x.phone).str(x.code).field(x.nonce).field(x.link_key);
  });
}

result<confirmation> decode_confirmation(byte_view in) {
  return decode_labelled<confirmation>(in, "messaging.confirmation",
                                       [](reader& r, confirmation& x) {
                                         x.phone = r.str(small);
                                         x.code = r.str(small);
                                         x.nonce = r.exact(nonce_size);
                                         x.link_key = r.exact(link_key_size);
                                       });
}

result<bytes> encode(const registration_result& x) {
  return encode_labelled("messaging.registration",
                         [&](writer& w) { w.field(x.nonce).field(x.fingerprint).str(x.outcome); });
}

result<registration_result> decode_registration_result(byte_view in) {
  return decode_labelled<registration_result>(in, "messaging.registration",
                                              [](reader& r, registration_result& x) {
                                                x.nonce = r.exact(nonce_size);
                                                x.fingerprint = r.exact(fingerprint_size);
                                                x.outcome = r.str(small);
                                              });
}

result<bytes> encode(const key_query& x) {
  return encode_labelled("messaging.key_query", [&](writer& w) { w.str(x.phone).field(x.nonce); });
}

result<key_query> decode_key_query(byte_view in) {
  return decode_labelled<key_query>(in, "messaging.key_query", [](reader& r, key_query& x) {
    x.phone = r.str(small);
    x.nonce = r.exact(nonce_size);
  });
}

result<bytes> encode(const key_answer& x) {
  return encode_labelled("messaging.key_answer",
                         [&](writer& w) { w.str(x.phone).field(x.nonce).field(x.public_key); });
}

result<key_answer> decode_key_answer(byte_view in) {
  return decode_labelled<key_answer>(in, "messaging.key_answer", [](reader& r, key_answer& x) {
    x.phone = r.str(small);
    x.nonce = r.exact(nonce_size);
    x.public_key = r.field(key_max);
  });
}

result<bytes> encode(const header& x) {
  return encode_labelled("messaging.header", [&](writer& w) { write_header(w, x); });
}

result<bytes> encode(const envelope& x) {
  return encode_labelled("messaging.envelope", [&](writer& w) {
    write_header(w, x.h);
    w.field(x.wrapped_key).field(x.wrap_signature).field(x.body);
  });
}

result<envelope> decode_envelope(byte_view in) {
  return decode_labelled<envelope>(in, "messaging.envelope", [](reader& r, envelope& x) {
    read_header(r, x.h);
    x.wrapped_key = r.field(key_max);
    x.wrap_signature = r.field(key_max);
    x.body = r.field(blob_max);
  });
}

result<bytes> wrap_statement(const header& h, byte_view wrapped_key) {
  return encode_labelled("messaging.wrap", [&](writer& w) {
    w.str(h.from).str(h.to).field(h.session).field(wrapped_key);
  });
}

result<bytes> encode(const submission& x) {
  return encode_labelled("messaging.submission", [&](writer& w) { w.str(x.to).field(x.envelope); });
}

result<submission> decode_submission(byte_view in) {
  return decode_labelled<submission>(in, "messaging.submission", [](reader& r, submission& x) {
    x.to = r.str(small);
    x.envelope = r.field(blob_max);
  });
}

std::string message_id(byte_view envelope) {
  auto digest = crypto::sha256(envelope);
  return crypto::to_hex(byte_view(digest.data(), 8));
}

result<bytes> encode(const acceptance& x) {
  return encode_labelled("messaging.acceptance", [&](writer& w) { w.str(x.msg).str(x.status); });
}

result<acceptance> decode_acceptance(byte_view in) {
  return decode_labelled<acceptance>(in, "messaging.acceptance", [](reader& r, acceptance& x) {
    x.msg = r.str(small);
    x.status = r.str(small);
  });
}

result<bytes> encode(const delivery& x) {
  return encode_labelled("messaging.delivery", [&](writer& w) {
    w.str(x.from).field(x.envelope).u32(static_cast<std::uint32_t>(x.evicted.size()));
    for (const auto& e : x.evicted)
      w.str(e.from).field(e.session).u64(e.count).u64(e.seq);
  });
}

result<delivery> decode_delivery(byte_view in) {
  return decode_labelled<delivery>(in, "messaging.delivery", [](reader& r, delivery& x) {
    x.from = r.str(small);
    x.envelope = r.field(blob_max);
    auto n = r.u32();
    if (n > max_eviction_notices) {
      r.exact(r.remaining() + 1); // fails the reader: more evictions than a relay reports
      return;
    }
    for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
      eviction e;
      e.from = r.str(small);
      e.session = r.exact(session_id_size);
      e.count = r.u64();
      e.seq = r.u64();
      if (e.count == 0 || e.seq > UINT64_MAX - e.count) {
        r.exact(r.remaining() + 1); // fails the reader: an empty or wrapping run
        return;
      }
      x.evicted.push_back(std::move(e));
    }
  });
}

result<bytes> encode(const receipt_statement& x) {
  return encode_labelled("messaging.receipt", [&](writer& w) {
    w.str(x.msg).str(x.from).str(x.to).field(x.session).u64(x.seq);
  });
}

result<receipt_statement> decode_receipt_statement(byte_view in) {
  return decode_labelled<receipt_statement>(in, "messaging.receipt",
                                            [](reader& r, receipt_statement& x) {
                                              x.msg = r.str(small);
                                              x.from = r.str(small);
                                              x.to = r.str(small);
                                              x.session = r.exact(session_id_size);
                                              x.seq = r.u64();
                                            });
}

result<bytes> encode(const linked& x) {
  return encode_labelled("messaging.link",
                         [&](writer& w) { w.str(x.phone).field(x.payload).field(x.mac); });
}

result<linked> decode_linked(byte_view in) {
  return decode_labelled<linked>(in, "messaging.link", [](reader& r, linked& x) {
    x.phone = r.str(small);
    x.payload = r.field(blob_max);
    x.mac = r.exact(crypto::sha256_size);
  });
}

bytes link_mac(byte_view link_key, const char* kind, const std::string& phone, byte_view payload) {
  return crypto::hmac_sha256(link_key, link_input(kind, phone, payload));
}

result<bytes> link(byte_view link_key, const char* kind, const std::string& phone,
                   result<bytes> payload) {
  if (!payload)
    return payload;
  auto mac = link_mac(link_key, kind, phone, *payload);
  return encode(linked{phone, std::move(*payload), std::move(mac)});
}

result<bytes> unlink(byte_view link_key, const char* kind, const linked& x) {
  if (!crypto::hmac_sha256_verify(link_key, link_input(kind, x.phone, x.payload), x.mac))
    return crypto::make_error(crypto::errc::auth_failed, "link MAC does not verify");
  return x.payload;
}

std::string key_reference(byte_view fingerprint) {
  return crypto::to_hex(fingerprint.sub(0, 4));
}

std::string code_sms_text(const std::string& relay, const std::string& code,
                          byte_view fingerprint) {
  return "Your " + relay + " code for key " + key_reference(fingerprint) + ": " + code;
}

std::optional<code_sms> parse_code_sms(const std::string& text) {
  auto at = text.rfind(" code for key ");
  if (text.rfind("Your ", 0) != 0 || at == std::string::npos || text.size() != at + 30 ||
      text.compare(at + 22, 2, ": ") != 0)
    return std::nullopt;
  code_sms out{text.substr(at + 24), text.substr(at + 14, 8)};
  for (char c : out.code)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  for (char c : out.key)
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  return out;
}

} // namespace protobed::messaging
