// Schemas of the chat: send, accepted, deliver, receipt, delivered.
#include "actors/messaging/schemas.hpp"

namespace protobed::messaging {

namespace {

using crypto::to_hex;

std::vector<field_doc> with_envelope(std::vector<field_doc> fields, const char* where) {
  for (auto& f : envelope_fields(where))
    fields.push_back(std::move(f));
  return fields;
}

message_schema send_schema() {
  message_schema s;
  s.kind = kind::send;
  s.fields = with_envelope({{"phone", "text", "clear, under the link MAC (the sender)", "", ""},
                            {"to", "text", "clear, under the link MAC", "", ""},
                            link_key_field("the sender")},
                           "send");
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto x = decode_submission(read_link(t, kind::send, in, out).value_or(bytes{}))) {
      out["to"] = x->to;
      read_envelope(t, x->envelope, out);
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    auto to = r.text("to");
    auto env = build_envelope(f, t);
    if (!env)
      return env;
    return checked_build(r, build_link(f, kind::send, encode(submission{to, *env})));
  };
  return s;
}

message_schema accepted_schema() {
  message_schema s;
  s.kind = kind::accepted;
  s.fields = {{"phone", "text", "clear, under the link MAC (the sender)", "", ""},
              {"msg", "text", "clear, under the link MAC", "", ""},
              {"status", "text", "clear, under the link MAC", "", ""},
              link_key_field("the sender")};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto a = decode_acceptance(read_link(t, kind::accepted, in, out).value_or(bytes{}))) {
      out["msg"] = a->msg;
      out["status"] = a->status;
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store&) {
    field_reader r(f);
    acceptance a{r.text("msg"), r.text("status")};
    return checked_build(r, build_link(f, kind::accepted, encode(a)));
  };
  return s;
}

message_schema deliver_schema() {
  message_schema s;
  s.kind = kind::deliver;
  s.fields = with_envelope({{"phone", "text", "clear, under the link MAC (the recipient)", "", ""},
                            {"from", "text", "clear, under the link MAC", "", ""},
                            link_key_field("the recipient")},
                           "deliver");
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto d = decode_delivery(read_link(t, kind::deliver, in, out).value_or(bytes{}))) {
      out["from"] = d->from;
      read_envelope(t, d->envelope, out);
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    auto from = r.text("from");
    auto env = build_envelope(f, t);
    if (!env)
      return env;
    return checked_build(r, build_link(f, kind::deliver, encode(delivery{from, *env, {}})));
  };
  return s;
}

std::vector<field_doc> receipt_fields(const char* whose) {
  return {{"phone", "text", std::string("clear, under the link MAC (") + whose + ")", "", ""},
          {"msg", "text", "clear, signed by the recipient", "", ""},
          {"from", "text", "clear, signed by the recipient", "", ""},
          {"to", "text", "clear, signed by the recipient", "", ""},
          {"session", "bytes", "clear, signed by the recipient", "", ""},
          {"seq", "amount", "clear, signed by the recipient", "", ""},
          {"sign_with", "signer", "signs it (the recipient)", "self", ""},
          link_key_field(whose)};
}

message_schema receipt_schema(const char* k, const char* whose) {
  message_schema s;
  s.kind = k;
  s.fields = receipt_fields(whose);
  s.read = [k](byte_view in, const term_store& t) {
    field_values out;
    auto blob = decode_signed_blob(read_link(t, k, in, out).value_or(bytes{}));
    if (auto r = and_then(
          blob, [](const signed_blob& b) { return decode_receipt_statement(b.payload); })) {
      out["msg"] = r->msg;
      out["from"] = r->from;
      out["to"] = r->to;
      out["session"] = to_hex(r->session);
      out["seq"] = std::to_string(r->seq);
    }
    return out;
  };
  s.build = [k](const field_values& f, const term_store& t) {
    field_reader r(f);
    receipt_statement x{r.text("msg"), r.text("from"), r.text("to"), r.hex("session"),
                        static_cast<std::uint64_t>(r.amount("seq"))};
    if (r.error())
      return result<bytes>(*r.error());
    return build_link(f, k, sign_fields(t, f, "sign_with", encode(x)));
  };
  return s;
}

} // namespace

std::vector<message_schema> chat_schemas() {
  return {send_schema(), accepted_schema(), deliver_schema(),
          receipt_schema(kind::receipt, "the recipient"),
          receipt_schema(kind::delivered, "the sender")};
}

} // namespace protobed::messaging
