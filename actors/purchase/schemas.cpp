// The purchase packets field by field, for the attacker (see
// actors/runtime/schema.hpp): the login it reads only with the OPD's private
// key (and then learns the session's keys and the password), the records it
// reads only under a session key it learned, the signed order and receipt it
// builds only with a key it holds.
#include <limits>

#include "actors/purchase/messages.hpp"
#include "actors/purchase/register.hpp"
#include "actors/services/session_schema.hpp"

namespace protobed::purchase {

namespace {

using services::payload_fields;
using services::record_schema;

const char* sealed = "sealed for the OPD";

message_schema login_schema() {
  message_schema s;
  s.kind = kind::login;
  s.fields = {{"to", "recipient", "seals the login (the OPD)", "to", ""}};
  for (auto& f : services::session_key_fields(sealed))
    s.fields.push_back(f);
  for (auto f : std::vector<field_doc>{{"customer", "text", sealed, "", ""},
                                       {"password", "text", sealed, "empty", "password"},
                                       {"time", "amount", sealed, "", ""},
                                       {"nonce", "bytes", sealed, "fresh", "", nonce_size}})
    s.fields.push_back(f);
  s.read = [](byte_view in, const term_store& t) {
    field_values out;
    auto l = and_then(open_with_held_keys(t, in, byte_view(kind::login)), decode_login);
    if (!l)
      return out;
    services::read_session_keys(session_label, l->session, l->secret, out);
    out["customer"] = l->customer;
    out["password"] = l->password;
    out["time"] = std::to_string(l->time);
    out["nonce"] = crypto::to_hex(l->nonce);
    return out;
  };
  s.build = [](const field_values& f, const term_store& t) {
    field_reader r(f);
    login l{r.hex("session"),   r.hex("secret"),  r.text("customer"),
            r.text("password"), r.amount("time"), r.hex("nonce")};
    if (r.error())
      return result<bytes>(*r.error());
    return seal_for_field(t, f, "to", encode(l), byte_view(kind::login));
  };
  return s;
}

payload_fields welcome_fields() {
  return {
    {{"outcome", "text", "", "", "", 0, {"ok", "refused"}}, {"reason", "text", "", "empty", ""}},
    [](byte_view p, field_values& out) {
      if (auto w = decode_welcome(p)) {
        out["outcome"] = w->outcome;
        out["reason"] = w->reason;
      }
    },
    [](const field_values& f, const term_store&) {
      field_reader r(f);
      return checked_build(r, encode(welcome{r.text("outcome"), r.text("reason")}));
    }};
}

/// An amount for a wire field of type T: one that does not fit is an error
/// naming the field, never cut to fit (2^32 + 1 would otherwise order 1).
template <class T>
result<T> wire_amount(field_reader& r, const std::string& name) {
  auto range_error = [&](const std::string& v) {
    return crypto::make_error(crypto::errc::invalid_argument,
                              "field " + name + " must be from 0 to " +
                                std::to_string(std::numeric_limits<T>::max()) + ", not " + v);
  };
  if (auto text = r.text(name); !text.empty() && text.front() == '-') {
    auto negative = r.amount(name); // an integer, or its own error
    return r.error() ? result<T>(*r.error()) : result<T>(range_error(std::to_string(negative)));
  }
  auto v = r.unsigned_amount(name);
  if (r.error())
    return *r.error();
  if (v > std::numeric_limits<T>::max())
    return range_error(std::to_string(v));
  return static_cast<T>(v);
}

/// A signed payload carried whole (`name`, as seen) or built from `name.*`
/// (told the scheme it is signed with) and signed by `name.sign_with` with
/// the key that participant signs with (RSA-PSS, or DSA for a customer).
result<bytes> given_or_signed(
  const field_values& f, const term_store& t, const std::string& name,
  const std::function<result<bytes>(field_reader&, crypto::signature_scheme)>& payload) {
  field_reader r(f);
  auto given = r.hex(name);
  if (!given.empty() || r.error())
    return checked_build(r, result<bytes>(given));
  auto key = field_signing_key(f, name + ".sign_with", t);
  if (!key)
    return key.error();
  auto body = payload(r, key->scheme());
  if (r.error())
    return result<bytes>(*r.error());
  if (!body)
    return body;
  return crypto::encode(crypto::signed_blob{*body, key->sign(t.rng, *body)});
}

payload_fields order_fields() {
  const char* in = "signed by its customer, inside the record";
  return {{{"order", "bytes", "the signed order as seen (or built from order.*)", "empty", ""},
           {"order.customer", "text", in, "empty", ""},
           {"order.item", "text", in, "empty", ""},
           {"order.quantity", "amount", in, "empty", ""},
           {"order.time", "amount", in, "empty", ""},
           {"order.nonce", "bytes", in, "fresh", "", nonce_size},
           {"order.carried_key", "public_key", in, "empty", ""},
           {"order.sign_with", "signer",
            "signs the order, with the scheme that participant signs with (RSA-PSS, or DSA "
            "for a customer with signature: dsa; its key once compromised)",
            "self", ""}},
          [](byte_view p, field_values& out) {
            out["order"] = crypto::to_hex(p);
            auto blob = decode_signed_blob(p);
            if (auto o = blob ? decode_order(blob->payload) : result<order>(blob.error())) {
              out["order.customer"] = o->customer;
              out["order.item"] = o->item;
              out["order.quantity"] = std::to_string(o->quantity);
              out["order.time"] = std::to_string(o->time);
              out["order.nonce"] = crypto::to_hex(o->nonce);
              out["order.carried_key"] = crypto::to_hex(o->carried_key);
            }
          },
          [](const field_values& f, const term_store& t) {
            return given_or_signed(
              f, t, "order", [](field_reader& r, crypto::signature_scheme scheme) -> result<bytes> {
                auto quantity = wire_amount<std::uint32_t>(r, "order.quantity");
                if (!quantity)
                  return quantity.error();
                return encode(order{r.text("order.customer"), r.text("order.item"), *quantity,
                                    r.amount("order.time"), r.hex("order.nonce"), scheme,
                                    r.hex("order.carried_key")});
              });
          }};
}

payload_fields receipt_fields() {
  const char* in = "signed by the OPD, inside the record";
  return {
    {{"receipt", "bytes", "the signed receipt as seen (or built from receipt.*)", "empty", ""},
     {"receipt.customer", "text", in, "empty", ""},
     {"receipt.order_digest", "bytes", in, "fresh", "", 32},
     {"receipt.number", "amount", in, "empty", ""},
     {"receipt.outcome", "text", in, "empty", "", 0, {"accepted", "refused", "unknown"}},
     {"receipt.reason", "text", in, "empty", ""},
     {"receipt.sign_with", "signer", "signs the receipt (the OPD, if one can)", "self", ""}},
    [](byte_view p, field_values& out) {
      out["receipt"] = crypto::to_hex(p);
      auto blob = decode_signed_blob(p);
      if (auto r = blob ? decode_receipt(blob->payload) : result<receipt>(blob.error())) {
        out["receipt.customer"] = r->customer;
        out["receipt.order_digest"] = crypto::to_hex(r->order_digest);
        out["receipt.number"] = std::to_string(r->number);
        out["receipt.outcome"] = r->outcome;
        out["receipt.reason"] = r->reason;
      }
    },
    [](const field_values& f, const term_store& t) {
      return given_or_signed(
        f, t, "receipt", [](field_reader& r, crypto::signature_scheme) -> result<bytes> {
          auto number = wire_amount<std::uint64_t>(r, "receipt.number");
          if (!number)
            return number.error();
          return encode(receipt{r.text("receipt.customer"), r.hex("receipt.order_digest"), *number,
                                r.text("receipt.outcome"), r.text("receipt.reason")});
        });
    }};
}

} // namespace

std::vector<message_schema> schemas() {
  return {login_schema(), record_schema(kind::welcome, session_label, welcome_fields()),
          record_schema(kind::order, session_label, order_fields()),
          record_schema(kind::receipt, session_label, receipt_fields())};
}

} // namespace protobed::purchase
