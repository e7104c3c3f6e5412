#include "actors/purchase/messages.hpp"

namespace protobed::purchase {

namespace {
constexpr std::size_t max_key = 4096;
} // namespace

result<bytes> encode(const login& x) {
  return crypto::encode_labelled(kind::login, [&](crypto::writer& w) {
    w.field(x.session).field(x.secret).str(x.customer).str(x.password).i64(x.time).field(x.nonce);
  });
}

result<login> decode_login(byte_view in) {
  return crypto::decode_labelled<login>(in, kind::login, [](crypto::reader& r, login& x) {
    x.session = r.exact(16);
    x.secret = r.exact(32);
    x.customer = r.str(max_text);
    x.password = r.str(max_text);
    x.time = r.i64();
    x.nonce = r.exact(nonce_size);
  });
}

result<bytes> encode(const welcome& x) {
  return crypto::encode_labelled(kind::welcome,
                                 [&](crypto::writer& w) { w.str(x.outcome).str(x.reason); });
}

result<welcome> decode_welcome(byte_view in) {
  return crypto::decode_labelled<welcome>(in, kind::welcome, [](crypto::reader& r, welcome& x) {
    x.outcome = r.str(max_text);
    x.reason = r.str(max_text);
  });
}

result<bytes> encode(const order& x) {
  return crypto::encode_labelled(kind::order, [&](crypto::writer& w) {
    w.str(x.customer).str(x.item).u32(x.quantity).i64(x.time).field(x.nonce);
    w.u8(static_cast<std::uint8_t>(x.scheme)).field(x.carried_key);
  });
}

result<order> decode_order(byte_view in) {
  auto x = crypto::decode_labelled<order>(in, kind::order, [](crypto::reader& r, order& x) {
    x.customer = r.str(max_text);
    x.item = r.str(max_text);
    x.quantity = r.u32();
    x.time = r.i64();
    x.nonce = r.exact(nonce_size);
    x.scheme = static_cast<crypto::signature_scheme>(r.u8());
    x.carried_key = r.field(max_key);
  });
  if (x && x->scheme != crypto::signature_scheme::rsa_pss &&
      x->scheme != crypto::signature_scheme::dsa)
    return crypto::make_error(crypto::errc::malformed, "unknown signature scheme");
  return x;
}

result<bytes> encode(const receipt& x) {
  return crypto::encode_labelled(kind::receipt, [&](crypto::writer& w) {
    w.str(x.customer).field(x.order_digest).u64(x.number).str(x.outcome).str(x.reason);
  });
}

result<receipt> decode_receipt(byte_view in) {
  return crypto::decode_labelled<receipt>(in, kind::receipt, [](crypto::reader& r, receipt& x) {
    x.customer = r.str(max_text);
    x.order_digest = r.exact(32);
    x.number = r.u64();
    x.outcome = r.str(max_text);
    x.reason = r.str(max_text);
  });
}

std::string short_id(byte_view b) {
  return crypto::to_hex(b.sub(0, 8));
}

} // namespace protobed::purchase
