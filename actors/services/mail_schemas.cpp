// The mail packets field by field, for the attacker (see
// actors/runtime/schema.hpp and session_schema.hpp).
#include "actors/services/mail.hpp"
#include "actors/services/session_schema.hpp"
#include "crypto/codec.hpp"

namespace protobed::services {

namespace {

const char* sealed = "signed by the sender, sealed for the mail server";

message_schema hello_schema() {
  message_schema s;
  s.kind = mail_kind::hello;
  s.fields = {{"to", "recipient", "seals the hello (the mail server)", "to", ""}};
  for (auto& f : session_key_fields(sealed))
    s.fields.push_back(f);
  for (auto f : std::vector<field_doc>{{"sender", "text", sealed, "self", ""},
                                       {"server", "text", sealed, "to", ""},
                                       {"time", "amount", sealed, "", ""},
                                       {"nonce", "bytes", sealed, "fresh", "", 16},
                                       {"sign_with", "signer", "signs the hello", "self", ""}})
    s.fields.push_back(f);
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto blob =
      and_then(open_with_held_keys(t, in, byte_view(mail_kind::hello)), crypto::decode_signed_blob);
    auto h = blob ? decode_mail_hello(blob->payload) : result<mail_hello>(blob.error());
    if (!h)
      return out;
    read_session_keys(mail_session_label, h->session, h->secret, out);
    out["sender"] = h->sender;
    out["server"] = h->server;
    out["time"] = std::to_string(h->time);
    out["nonce"] = crypto::to_hex(h->nonce);
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    mail_hello h{r.hex("session"), r.hex("secret"),  r.text("sender"),
                 r.text("server"), r.amount("time"), r.hex("nonce")};
    if (r.error())
      return result<bytes>(*r.error());
    auto blob = sign_for_field(t, f, "sign_with", encode(h));
    return seal_for_field(t, f, "to", blob, byte_view(mail_kind::hello));
  };
  return s;
}

payload_fields submit_fields() {
  return {{{"mail_id", "bytes", "", "fresh", "", mail_id_size},
           {"to_address", "text", "", "", ""},
           {"subject", "text", "", "", "", 0, {"order shipped"}},
           {"body", "text", "", "empty", ""},
           {"ref", "text", "", "empty", ""}},
          [](byte_view p, field_values& out) {
            if (auto m = decode_mail(p)) {
              out["mail_id"] = crypto::to_hex(m->id);
              out["to_address"] = m->to;
              out["subject"] = m->subject;
              out["body"] = m->body;
              out["ref"] = m->ref;
            }
          },
          [](const field_values& f, const term_store&) {
            field_reader r(f);
            mail m{r.hex("mail_id"), r.text("to_address"), r.text("subject"), r.text("body"),
                   r.text("ref")};
            return checked_build(r, encode(m));
          }};
}

payload_fields ack_fields() {
  return {{{"mail_id", "bytes", "", "", "", mail_id_size}},
          [](byte_view p, field_values& out) {
            if (auto a = decode_mail_ack(p))
              out["mail_id"] = crypto::to_hex(a->id);
          },
          [](const field_values& f, const term_store&) {
            field_reader r(f);
            return checked_build(r, encode(mail_ack{r.hex("mail_id")}));
          }};
}

} // namespace

std::vector<message_schema> mail_schemas() {
  return {hello_schema(), record_schema(mail_kind::submit, mail_session_label, submit_fields()),
          record_schema(mail_kind::ack, mail_session_label, ack_fields())};
}

} // namespace protobed::services
