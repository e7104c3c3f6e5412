// The relay (messaging.relay): binds phones to keys after an SMS code, answers
// key lookups, and routes end-to-end messages it cannot read. For a recipient
// who is offline it holds at most `queue_limit` messages (2, as in the seed):
// a further one evicts the oldest message of the sender holding the most,
// with an event naming who lost what; in any state it holds at most
// `mailbox_limit` per recipient and refuses more. On reconnect it delivers
// the queue in order, one message at a time, each until the recipient's
// signed receipt comes back.
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
  /// Consecutive wrong codes per phone, across enrolments, before the phone
  /// is locked (as the bank's otp_failure_budget). 0 = no budget.
  std::int64_t code_failure_budget = 100;
  /// Codes a phone may be sent per code_issue_window. 0 = no limit.
  std::int64_t code_issue_limit = 5;
  sim_time code_issue_window = std::chrono::hours(1);
  /// A phone's pending enrolments are never displaced: one over the few it
  /// may have is refused (off: the oldest made room, the owner's included).
  bool keep_pending_enrolments = true;
  std::int64_t queue_limit = 2; ///< held per offline recipient
  /// Held per recipient in any state, online too; one more is refused. 0 = no limit.
  std::int64_t mailbox_limit = 1000;
  /// A full queue evicts the oldest message of the sender holding the most
  /// (off: the oldest, whoever sent it).
  bool fair_eviction = true;
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
    sim_time issued{}; ///< when its code was sent
  };
  /// What a phone was sent and how it was guessed, across its enrolments.
  struct phone_record {
    std::deque<sim_time> issued; ///< codes sent within code_issue_window
    std::int64_t consecutive_failures = 0;
    bool locked = false;
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
    /// Runs of evicted messages, at most one per (sender, session) and
    /// sequence range, told with that session's next delivery.
    std::vector<eviction> evicted;
    std::int64_t attempts = 0;
    bool stalled = false;
    std::optional<sim_time> deadline; ///< deliver the head again then, if no receipt came
  };

  /// What the relay answered for a message id, kept while the message is
  /// held, and for its sender's latest message (to answer a resend).
  struct answer {
    std::string status;
    std::string sender;
    bool held = false;
  };

  // relay_registration.cpp
  void on_enrolment(const packet& p, context& ctx);
  /// Whether `phone` may be sent another code now, or why not (after an event).
  bool may_issue(const std::string& phone, context& ctx);
  bool make_room_for_enrolment(const std::string& phone, context& ctx);
  void drop_expired_enrolments(const std::string& phone, sim_time now);
  /// Counts a wrong code against the phone's budget; locks it when spent.
  void count_failure(const std::string& phone, context& ctx);
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
  std::string accept(const std::string& to, held_message m, context& ctx);
  void hold(const std::string& to, held_message m, context& ctx);
  void on_receipt(const packet& p, context& ctx);
  void deliver_head(const std::string& phone, context& ctx);
  void trim(const std::string& phone, context& ctx);
  /// The queue index to evict: the oldest of the sender holding the most
  /// (fair_eviction), else the oldest.
  std::size_t victim(const mailbox& box) const;
  void evict(const std::string& phone, mailbox& box, std::size_t i, context& ctx);
  /// The eviction notices for `m`'s session, before it.
  std::vector<eviction> notices_for(const mailbox& box, const held_message& m) const;
  void record_answer(const std::string& msg, const std::string& sender, const std::string& status,
                     bool held);
  /// Forgets a message's answer once it is no longer held nor its sender's latest.
  void forget_answer(const std::string& msg);
  void released(const std::string& msg);
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
  std::map<std::string, phone_record> phones_;             ///< phone -> codes sent, failures
  std::map<std::string, answer> accepted_;                 ///< msg id -> what was answered
  std::map<std::string, std::string> latest_;              ///< sender phone -> its last msg id
  std::set<std::string> offline_;                          ///< participants known unreachable
  std::optional<sim_time> armed_;                          ///< when the redelivery timer fires
  std::size_t due_boxes_ = 0;                              ///< mailboxes with a redelivery deadline
};

} // namespace protobed::messaging
