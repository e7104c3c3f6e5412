// Schemas of registration and key lookup: register, confirm, registered,
// lookup, key.
#include "actors/messaging/schemas.hpp"
#include "crypto/envelope.hpp"

namespace protobed::messaging {

namespace {

using crypto::to_hex;

message_schema enrol_schema() {
  message_schema s;
  s.kind = kind::enrol;
  s.fields = {{"phone", "text", "clear, signed with the key it carries", "", ""},
              {"public_key", "public_key", "clear, signed with itself", "self", ""},
              {"nonce", "bytes", "clear, signed with the key it carries", "fresh", ""},
              {"sign_with", "signer", "signs it (the key it carries)", "self", ""}};
  s.read = [](byte_view in, const term_store&) {
    field_values out;
    auto blob = decode_signed_blob(in);
    if (auto e = and_then(blob, [](const signed_blob& b) { return decode_enrolment(b.payload); }))
      out = {
        {"phone", e->phone}, {"public_key", to_hex(e->public_key)}, {"nonce", to_hex(e->nonce)}};
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    enrolment e{r.text("phone"), r.hex("public_key"), r.hex("nonce")};
    return checked_build(r, sign_fields(t, f, "sign_with", encode(e)));
  };
  return s;
}

message_schema confirm_schema() {
  message_schema s;
  s.kind = kind::confirm;
  s.fields = {{"phone", "text", "sealed for the relay", "", ""},
              {"code", "text", "sealed for the relay", "", "registration_code"},
              {"nonce", "bytes", "sealed for the relay", "", ""},
              {"link_key", "symmetric_key", "sealed for the relay", "fresh", "link_key"},
              {"seal_for", "recipient", "seals it (the relay)", "to", ""}};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    for (const auto& [owner, key] : t.known.private_keys)
      if (auto c = and_then(crypto::open(t.rng, key, in, kind::confirm), decode_confirmation)) {
        out = {{"phone", c->phone},
               {"code", c->code},
               {"nonce", to_hex(c->nonce)},
               {"link_key", to_hex(c->link_key)}};
        break;
      }
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    confirmation c{r.text("phone"), r.text("code"), r.hex("nonce"), r.hex("link_key")};
    auto key = field_recipient(f, "seal_for", t);
    if (!key)
      return result<bytes>(key.error());
    return checked_build(r, and_then(encode(c), [&](const bytes& b) {
                           return crypto::seal(t.rng, *key, b, kind::confirm);
                         }));
  };
  return s;
}

message_schema registered_schema() {
  message_schema s;
  s.kind = kind::registered;
  s.fields = {{"phone", "text", "clear, under the link MAC", "", ""},
              {"nonce", "bytes", "clear, under the link MAC", "", ""},
              {"fingerprint", "bytes", "clear, under the link MAC", "", "", fingerprint_size},
              {"outcome", "text", "clear, under the link MAC", "", ""},
              link_key_field("the device")};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto r =
          decode_registration_result(read_link(t, kind::registered, in, out).value_or(bytes{}))) {
      out["nonce"] = to_hex(r->nonce);
      out["fingerprint"] = to_hex(r->fingerprint);
      out["outcome"] = r->outcome;
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store&) {
    field_reader r(f);
    registration_result x{r.hex("nonce"), r.hex("fingerprint"), r.text("outcome")};
    return checked_build(r, build_link(f, kind::registered, encode(x)));
  };
  return s;
}

message_schema lookup_schema() {
  message_schema s;
  s.kind = kind::lookup;
  s.fields = {{"phone", "text", "clear, under the link MAC", "", ""},
              {"contact", "text", "clear, under the link MAC", "", ""},
              {"nonce", "bytes", "clear, under the link MAC", "fresh", ""},
              link_key_field("the device")};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto q = decode_key_query(read_link(t, kind::lookup, in, out).value_or(bytes{}))) {
      out["contact"] = q->phone;
      out["nonce"] = to_hex(q->nonce);
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store&) {
    field_reader r(f);
    key_query q{r.text("contact"), r.hex("nonce")};
    return checked_build(r, build_link(f, kind::lookup, encode(q)));
  };
  return s;
}

message_schema key_schema() {
  message_schema s;
  s.kind = kind::key;
  s.fields = {{"phone", "text", "clear, under the link MAC", "", ""},
              {"contact", "text", "clear, under the link MAC", "", ""},
              {"nonce", "bytes", "clear, under the link MAC", "", ""},
              {"public_key", "public_key", "clear, under the link MAC", "self", ""},
              link_key_field("the device")};
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    if (auto a = decode_key_answer(read_link(t, kind::key, in, out).value_or(bytes{}))) {
      out["contact"] = a->phone;
      out["nonce"] = to_hex(a->nonce);
      out["public_key"] = to_hex(a->public_key);
    }
    return out;
  };
  s.build = [](const field_values& f, const term_store&) {
    field_reader r(f);
    key_answer a{r.text("contact"), r.hex("nonce"), r.hex("public_key")};
    return checked_build(r, build_link(f, kind::key, encode(a)));
  };
  return s;
}

} // namespace

std::vector<message_schema> registration_schemas() {
  return {enrol_schema(), confirm_schema(), registered_schema(), lookup_schema(), key_schema()};
}

} // namespace protobed::messaging
