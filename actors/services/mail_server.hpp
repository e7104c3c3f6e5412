// The mail_server: a mailbox per address. Senders open a session with a
// signed, sealed hello (actors/services/mail.hpp); the server delivers each
// mail id once into the addressee's mailbox (`MailDelivered`) and
// acknowledges every copy, so a sender that resends never makes a duplicate.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/services/mail.hpp"

namespace protobed::services {

struct mail_server_config {
  bool check_senders = true; ///< a hello must be signed by the key of the sender it names
  sim_time freshness = std::chrono::seconds(30); ///< how old a hello may be
};

class mail_server final : public participant_core {
public:
  mail_server(mail_server_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  observation observe() const override;

  struct delivered {
    std::string from, subject, body, ref;
  };
  const std::vector<delivered>& mailbox(const std::string& address) const;

private:
  struct sender_session {
    session s;
    std::string sender;
  };
  void on_hello(const packet& p, context& ctx);
  void on_submit(const packet& p, context& ctx);
  void reject(const packet& p, const std::string& reason, context& ctx);

  mail_server_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::map<bytes, sender_session> sessions_;
  std::set<std::pair<std::string, bytes>> delivered_ids_; ///< (sender, mail id)
  std::map<std::string, std::vector<delivered>> mailboxes_;
};

} // namespace protobed::services
