// The relay (messaging.relay): binds phones to keys after an SMS code, answers
// key lookups, and routes end-to-end messages it cannot read. For a recipient
// who is offline it holds at most `queue_limit` messages (2, as in the seed):
// a further one evicts the oldest, with an event naming who lost what. On
// reconnect it delivers the queue in order, one message at a time, each until
// the recipient's signed receipt comes back.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "actors/messaging/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "crypto/otp.hpp"
#include "crypto/rsa.hpp"

namespace protobed::messaging {

struct relay_config {
  std::string sms; ///< the otp_provider that texts codes
  crypto::otp_policy code;
  std::int64_t queue_limit = 2;
  sim_time redeliver_after = std::chrono::seconds(2);
  std::int64_t delivery_retries = 6;
  bool check_codes = true; ///< bind a phone only with the code texted to it
  bool check_links = true; ///< refuse link packets whose MAC does not verify
};

class relay final : public participant_core {
public:
  relay(relay_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  void on_peer_status(const std::string& peer, bool reachable, context& ctx) override;
  observation observe() const override;

private:
  struct pending_registration {
    bytes public_key;
    bytes nonce;
    std::string address;
    crypto::otp_verifier verifier;
  };
  struct account {
    bytes public_key;
    std::optional<crypto::rsa_public_key> key; ///< parsed once, at binding
    std::string address;
    bytes link_key;
  };
  struct held_message {
    std::string msg;
    std::string from; ///< sender's phone
    bytes envelope;
    bytes session;
    std::uint64_t seq = 0;
  };
  struct mailbox {
    std::deque<held_message> queue; ///< the front is in flight when the recipient is online
    std::vector<eviction> evicted;  ///< to tell the recipient with the next delivery
    std::int64_t attempts = 0;
    bool stalled = false;
    std::optional<sim_time> deadline; ///< deliver the head again then, if no receipt came
  };

  // relay_registration.cpp
  void on_enrolment(const packet& p, context& ctx);
  void on_confirmation(const packet& p, context& ctx);
  void bind(const std::string& phone, pending_registration& reg, bytes link_key, context& ctx);
  void answer_registration(const std::string& phone, const confirmation& c,
                           const std::string& outcome, const bytes& fingerprint,
                           const std::string& to, context& ctx);

  // relay.cpp
  /// The account and payload of a link packet, or nullopt after an event.
  std::optional<std::pair<account*, bytes>> open_link(const packet& p, context& ctx);
  void on_lookup(const packet& p, context& ctx);
  void on_submission(const packet& p, context& ctx);
  void hold(const std::string& to, held_message m, context& ctx);
  void on_receipt(const packet& p, context& ctx);
  void deliver_head(const std::string& phone, context& ctx);
  void trim(const std::string& phone, context& ctx);
  void send_linked(const account& a, const std::string& phone, const char* kind,
                   result<bytes> payload, context& ctx);
  bool online(const account& a) const {
    return offline_.count(a.address) == 0;
  }
  account* find_account(const std::string& phone);
  /// One timer for every mailbox: armed for the earliest deadline and only
  /// cancelled when no mailbox has one left (a receipt just clears its
  /// deadline), so a busy relay sets a timer now and then instead of one
  /// per message.
  void arm(sim_time deadline, context& ctx);
  void clear_deadline(mailbox& box, context& ctx);
  void redeliver_due(context& ctx);

  relay_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  /// (phone, enrolment nonce) -> registration; a few per phone, so that
  /// someone else's enrolment for a phone never displaces its owner's.
  std::map<std::pair<std::string, bytes>, pending_registration> pending_;
  std::map<std::string, std::deque<bytes>> pending_order_; ///< phone -> nonces, oldest first
  std::map<std::string, account> accounts_;                ///< phone -> bound key
  std::map<std::string, mailbox> mailboxes_;               ///< recipient phone -> held messages
  std::map<std::string, std::string> accepted_;            ///< msg id -> status
  std::set<std::string> offline_;                          ///< participants known unreachable
  std::optional<sim_time> armed_;                          ///< when the redelivery timer fires
  std::size_t due_boxes_ = 0;                              ///< mailboxes with a redelivery deadline
};

} // namespace protobed::messaging
