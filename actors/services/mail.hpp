// Mail submission (the shared mail_server role and the mail_client that any
// core embeds to send mail through it). The sender opens a session with a
// `mail.hello`: a hybrid envelope for the mail server's RSA key holding the
// session id and secret, the sender's name, the server's name, the time and
// a nonce, signed by the sender's long-term key (so the server knows who
// sends). Each mail is then a `mail.submit` record of that session and is
// acknowledged by a `mail.ack` record; the sender resends until the ack
// comes, and the server delivers each mail id once.
#pragma once

#include <string>

#include "actors/runtime/schema.hpp"
#include "actors/services/session.hpp"

namespace protobed::services {

namespace mail_kind {
inline constexpr const char* hello = "mail.hello";   // sender -> mail server, sealed + signed
inline constexpr const char* submit = "mail.submit"; // sender -> mail server, a record
inline constexpr const char* ack = "mail.ack";       // mail server -> sender, a record
} // namespace mail_kind

inline constexpr const char* mail_session_label = "mail.session";
inline constexpr std::size_t mail_id_size = 16;

struct mail_hello {
  bytes session;
  bytes secret;
  std::string sender;
  std::string server; ///< the mail server it is for: a hello cannot be moved to another
  std::int64_t time = 0;
  bytes nonce;
};
result<bytes> encode(const mail_hello& x);
result<mail_hello> decode_mail_hello(byte_view in);

struct mail {
  bytes id; ///< fresh per mail; a resent mail keeps it
  std::string to;
  std::string subject;
  std::string body;
  std::string ref; ///< what the mail is about, for events (e.g. an order number)
};
result<bytes> encode(const mail& x);
result<mail> decode_mail(byte_view in);

struct mail_ack {
  bytes id;
};
result<bytes> encode(const mail_ack& x);
result<mail_ack> decode_mail_ack(byte_view in);

/// The mail packets' schemas, for the attacker (mail_schemas.cpp).
std::vector<message_schema> mail_schemas();

/// A mail id as events show it: 16 hex digits.
std::string short_hex(byte_view b);

} // namespace protobed::services
