// What a core embeds to send mail through a mail_server (actors/services/
// mail.hpp): it opens the session, numbers nothing itself (records do), and
// resends each mail until the server acknowledges it. A mail is never lost
// silently: it ends acknowledged (`MailSent`) or, after `retries` resends,
// with `MailFailed` naming it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/services/mail.hpp"
#include "crypto/rsa.hpp"

namespace protobed::services {

struct mail_client_config {
  std::string server;                         ///< the mail_server participant
  sim_time timeout = std::chrono::seconds(2); ///< resend when not acknowledged by then
  int retries = 10;                           ///< resends before MailFailed
};

class mail_client {
public:
  mail_client(mail_client_config cfg, crypto::rsa_private_key key, const directory& dir);

  /// Queues a mail and sends it (opening the session first if need be).
  void send(const std::string& to, const std::string& subject, const std::string& body,
            const std::string& ref, context& ctx);
  /// Takes mail.ack packets; false for any other kind.
  bool on_packet(const packet& p, context& ctx);
  /// Takes the client's resend timer; false for any other.
  bool on_timer(const timer_id& id, context& ctx);
  /// After a restart with state kept: the resend timer was lost with the
  /// process, so arm it again.
  void on_start(context& ctx);
  std::size_t pending() const {
    return pending_.size();
  }

private:
  struct queued {
    mail m;
    int attempts = 0;
  };
  void open_session(context& ctx);
  void submit(const queued& q, context& ctx);
  void arm(context& ctx);

  mail_client_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::optional<session> session_;
  bytes hello_; ///< the opening as sent, sent again with each resend round
  std::map<std::uint64_t, queued> pending_; ///< in the order queued
  std::uint64_t queued_ = 0;
};

} // namespace protobed::services
