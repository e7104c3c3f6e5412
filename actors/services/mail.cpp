#include "actors/services/mail.hpp"

#include "crypto/codec.hpp"

namespace protobed::services {

namespace {
constexpr std::size_t max_text = 4096;
} // namespace

result<bytes> encode(const mail_hello& x) {
  return crypto::encode_labelled(mail_kind::hello, [&](crypto::writer& w) {
    w.field(x.session).field(x.secret).str(x.sender).str(x.server).i64(x.time).field(x.nonce);
  });
}

result<mail_hello> decode_mail_hello(byte_view in) {
  return crypto::decode_labelled<mail_hello>(in, mail_kind::hello,
                                             [](crypto::reader& r, mail_hello& x) {
                                               x.session = r.exact(session_id_size);
                                               x.secret = r.exact(session_secret_size);
                                               x.sender = r.str(256);
                                               x.server = r.str(256);
                                               x.time = r.i64();
                                               x.nonce = r.exact(16);
                                             });
}

result<bytes> encode(const mail& x) {
  return crypto::encode_labelled(mail_kind::submit, [&](crypto::writer& w) {
    w.field(x.id).str(x.to).str(x.subject).str(x.body).str(x.ref);
  });
}

result<mail> decode_mail(byte_view in) {
  return crypto::decode_labelled<mail>(in, mail_kind::submit, [](crypto::reader& r, mail& x) {
    x.id = r.exact(mail_id_size);
    x.to = r.str(256);
    x.subject = r.str(256);
    x.body = r.str(max_text);
    x.ref = r.str(256);
  });
}

result<bytes> encode(const mail_ack& x) {
  return crypto::encode_labelled(mail_kind::ack, [&](crypto::writer& w) { w.field(x.id); });
}

result<mail_ack> decode_mail_ack(byte_view in) {
  return crypto::decode_labelled<mail_ack>(
    in, mail_kind::ack, [](crypto::reader& r, mail_ack& x) { x.id = r.exact(mail_id_size); });
}

} // namespace protobed::services
