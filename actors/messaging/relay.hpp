// The relay (messaging.relay): binds phones to keys after an SMS code, answers
// key lookups, and routes end-to-end messages it cannot read. For a recipient
// who is offline it holds at most `queue_limit` messages (2, as in the seed):
// a further one evicts the oldest message of the sender holding the most (on
// a tie, of the one that arrived last), with an event naming who lost what;
// in any state it holds at most `mailbox_limit` per (sender, recipient) and
// refuses more, and at most `notice_limit` eviction notices per recipient. It
// accepts a message once: per (sender, recipient) it remembers the highest
// sequence number it accepted in each of the last few sessions. On reconnect
// it delivers the queue in order, one message at a time, each until the
// recipient's signed receipt comes back.
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
  /// How long a phone stays locked once code_failure_budget is spent; then
  /// the budget starts again (a binding also resets it).
  sim_time code_lock_time = std::chrono::hours(1);
  /// A phone's pending enrolments are never displaced: one over the few it
  /// may have is refused (off: the oldest made room, the owner's included).
  bool keep_pending_enrolments = true;
  std::int64_t queue_limit = 2; ///< held per offline recipient
  /// Held per (sender, recipient) in any state, online too; one more is
  /// refused. 0 = no limit.
  std::int64_t mailbox_limit = 1000;
  /// mailbox_limit counts each sender's messages apart (off: all senders
  /// together, so one sender can fill a recipient's mailbox for everyone).
  bool mailbox_per_sender = true;
  /// A full queue evicts the oldest message of the sender holding the most,
  /// on a tie of the one whose latest message arrived last (off: the oldest,
  /// whoever sent it).
  bool fair_eviction = true;
  /// Eviction notices kept per recipient; one more drops the oldest of the
  /// sender with the most (NoticeDropped). 0 = no limit.
  std::int64_t notice_limit = 64;
  /// Refuse a message at or below the highest sequence number accepted in
  /// its session when no answer for it is kept (a replay of an old send).
  bool check_replays = true;
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
    std::optional<sim_time> locked_until; ///< set while the phone is locked
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
  /// A run of evicted messages the relay keeps for a recipient: told with
  /// its session's next message (which needs it to explain the gap), and
  /// once with the next delivery of any other message if its session has
  /// none held.
  struct notice {
    eviction run;
    bool told = false; ///< a receipted delivery carried it
  };
  struct mailbox {
    std::deque<held_message> queue; ///< the front is in flight when the recipient is online
    std::map<std::string, std::int64_t> held_by; ///< sender phone -> messages in queue
    /// Runs of evicted messages, at most notice_limit, oldest first.
    std::vector<notice> evicted;
    /// The other sessions' untold runs every delivery of the head carries
    /// (fixed at its first delivery, so a receipt marks what was told).
    std::vector<eviction> carried;
    std::string carried_for; ///< the head message they were chosen for
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
  /// The highest sequence number accepted in one session of a (sender,
  /// recipient) pair.
  struct session_mark {
    bytes session;
    std::uint64_t highest = 0;
  };

  // relay_registration.cpp
  void on_enrolment(const packet& p, context& ctx);
  /// Whether `phone` may be sent another code now, or why not (after an event).
  bool may_issue(const std::string& phone, context& ctx);
  bool make_room_for_enrolment(const std::string& phone, context& ctx);
  void drop_dead_enrolments(const std::string& phone, sim_time now);
  /// Counts a wrong code against the phone's budget; locks it when spent.
  void count_failure(const std::string& phone, context& ctx);
  /// Whether the phone is locked now; a lock past code_lock_time is lifted
  /// here (PhoneUnlocked) and the budget starts again.
  bool locked(const std::string& phone, context& ctx);
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
  /// Whether `m` is at or below the highest sequence number accepted in its
  /// session (a replay: no answer is kept for it), after an event.
  bool old_message(const std::string& to, const held_message& m, context& ctx);
  void mark_accepted(const std::string& to, const held_message& m);
  /// Whether the sender already holds mailbox_limit for `to`, after an event.
  bool mailbox_full(const std::string& to, const held_message& m, context& ctx);
  void on_receipt(const packet& p, context& ctx);
  void deliver_head(const std::string& phone, context& ctx);

  // relay_mailbox.cpp: holding, eviction, notices
  void hold(const std::string& to, held_message m, context& ctx);
  void trim(const std::string& phone, context& ctx);
  /// The queue index to evict: the oldest of the sender holding the most,
  /// on a tie of the one whose latest message arrived last (fair_eviction),
  /// else the oldest.
  std::size_t victim(const mailbox& box) const;
  void evict(const std::string& phone, mailbox& box, std::size_t i, context& ctx);
  /// Removes queue[i] (its sender's count with it).
  held_message take(mailbox& box, std::size_t i);
  /// Records an evicted message in a run, within notice_limit.
  void add_notice(const std::string& phone, mailbox& box, const held_message& old, context& ctx);
  void drop_notice(const std::string& phone, mailbox& box, context& ctx);
  /// What a delivery of `m` carries: the runs of its session before it, then
  /// other sessions' untold runs (those with no message held).
  std::vector<eviction> notices_for(mailbox& box, const held_message& m);
  /// After the head's receipt: its session's runs before it are told and
  /// gone; the other runs it carried are marked told.
  void notices_told(mailbox& box, const held_message& head);

  // relay.cpp: answers to senders
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
  /// (sender, recipient) -> the last few sessions' highest accepted sequence numbers.
  std::map<std::pair<std::string, std::string>, std::deque<session_mark>> sessions_;
  std::set<std::string> offline_; ///< participants known unreachable
  std::optional<sim_time> armed_; ///< when the redelivery timer fires
  std::size_t due_boxes_ = 0;     ///< mailboxes with a redelivery deadline
};

} // namespace protobed::messaging
