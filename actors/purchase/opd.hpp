// The order processing department (purchase.opd): customer accounts with
// salted scrypt password hashes, login sessions, stock, and signed orders.
// It verifies each order with the key it has on file for the customer,
// checks freshness (signed timestamp inside a window, nonce unseen), the
// session and the stock, records the outcome once per order, mails the
// customer "order shipped" through the mail server and answers with a
// signed receipt. A resent order gets the recorded receipt again, never a
// second shipment.
//
// Password hashing, signature checks and signing are stateless work: with
// `workers: N` they run on N worker actors while sessions, nonces and stock
// stay in this core, decided one order at a time.
//
// What the OPD keeps on disk is its order book (stock, every decision, the
// mail outbox, the logins a replay of which would still be fresh): with `durable_orders` a restart
// that loses the OPD's memory (sessions, logins, work in flight) finds the same book again, so
// stock is never recreated and numbers go on. A book opened at a restart that lost the one before
// it (durable_orders off) cannot know the orders signed before it, nor, as a customer's clock may
// run ahead by up to the freshness window, those signed within that window after it opened: they
// are answered "unknown", never refused. Logins are replay-checked the same way: the book keeps the
// logins it saw while they could be replayed, and a new book refuses those signed too close to its
// opening.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/purchase/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/services/mail_client.hpp"
#include "actors/services/session.hpp"

namespace protobed::purchase {

struct customer_account {
  std::string id;            ///< the customer ID it logs in with
  std::string participant;   ///< whose key is on file for it
  std::string password_hash; ///< scrypt$N$r$p$salt$hash, never the password
  std::string email;
};

struct opd_config {
  std::vector<customer_account> customers;
  /// A hash of no one's password, made like the others: an unknown customer
  /// ID is checked against it, so a refusal takes as long either way.
  std::string decoy_hash;
  std::map<std::string, std::int64_t> stock; ///< item -> quantity
  services::mail_client_config mail;
  sim_time freshness = std::chrono::seconds(30); ///< how far an order's time may be from ours
  sim_time session_lifetime = std::chrono::hours(1);
  int max_failures = 3; ///< wrong passwords before a lock; 0: never
  sim_time lock_time = std::chrono::seconds(60);
  /// A sender with `sender_failures` new logins within `lock_time` that did
  /// not log in is not heard until they age out (LoginThrottled).
  bool limit_senders = true;
  int sender_failures = 10;
  std::int64_t max_quantity = 1000;
  bool check_signatures = true; ///< verify the order's signature
  bool key_on_file = true;      ///< verify with the key on file, never one the order carries
  bool check_freshness = true;  ///< the order's signed time is inside the window
  bool check_nonces = true;     ///< an order (customer, nonce) is processed once
  bool check_sessions = true;   ///< the order's customer is the session's
  bool check_replays = true;    ///< records and logins are not accepted twice
  bool check_stock = true;      ///< never ship more than is in stock
  bool durable_orders = true;   ///< the order book survives a restart that loses memory
  bool answer_unknown = true;   ///< an order the book cannot know is "unknown", never refused
  /// A book that replaced a lost one also cannot know what was signed within
  /// `freshness` after it opened (a clock ahead): such orders are unknown, such logins refused.
  bool skew_margin = true;
};

/// What the OPD decided for one order (customer, nonce).
struct order_decision {
  receipt content;      ///< what the receipt says: digest, number, outcome, reason
  bytes signed_receipt; ///< empty until signed (signed again if a crash lost the work)
  bytes session;        ///< where to send it: the session the order last came in
};

/// The OPD's order book, as on its disk: the stock, every decision and the
/// outbox of "order shipped" mails. Sessions are not in it: they are memory.
/// An account's guard against password guessing: wrong passwords in a row
/// and the lock they earned.
struct account_state {
  int failures = 0;
  sim_time locked_until{};
};

struct order_book {
  order_book(const opd_config& cfg, crypto::rsa_private_key key, const directory& dir);

  std::map<std::string, std::int64_t> stock;
  std::map<std::pair<std::string, bytes>, order_decision> decisions; ///< (customer, nonce)
  std::uint64_t orders = 0;                                          ///< the last number given
  /// Every login taken (session id -> its signed time) while a replay of it
  /// would still be fresh: after a restart that lost the sessions, a replayed
  /// login is refused, never logged in again.
  std::map<bytes, std::int64_t> logins;
  /// Each account's wrong passwords in a row and its lock: kept with the
  /// book, so that a restart does not give a guesser max_failures more tries.
  std::map<std::string, account_state> accounts;
  /// When this book was opened (the OPD's first start with it); unset until then.
  std::optional<sim_time> opened;
  /// It was opened at a restart that lost the book before it (durable_orders
  /// off): it cannot know what was decided, nor which logins were taken, before.
  bool replaced_lost = false;
  services::mail_client outbox;
};

class opd final : public participant_core {
public:
  /// `book`: the order book found on disk; null: a new one from cfg.stock.
  opd(opd_config cfg, crypto::rsa_private_key key, const directory& dir,
      std::shared_ptr<order_book> book = nullptr);

  void on_start(context& ctx) override;
  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  void on_work_done(const timer_id& id, std::any result, context& ctx) override;
  observation observe() const override;

private:
  struct session_state {
    services::session s;
    std::string peer; ///< where the login came from: answers go there
    std::string customer;
    bool authenticated = false;
    sim_time opened{};  ///< when its login arrived
    sim_time expires{}; ///< when a logged-in session ends
    bytes welcome;      ///< the answer to its login, sent again if the login comes again
  };
  /// An order between its arrival and its decision (its signature is being checked).
  struct arriving {
    bytes session;
    bytes signed_order; ///< as received
    order o;
    bool expired = false; ///< its session had expired: only a recorded decision answers it
  };

  // opd.cpp: logins and sessions
  void on_login(const packet& p, context& ctx);
  void check_password(std::uint64_t n, const std::string& stored, const std::string& password,
                      context& ctx);
  void finish_login(std::uint64_t n, bool password_ok, context& ctx);
  void answer_login(session_state& st, const std::string& reason, context& ctx);
  const customer_account* account(const std::string& id) const;
  session_state* find_session(const bytes& id, const packet& p, context& ctx);
  /// Whether `from` is over its limit of logins that did not log in.
  bool throttled(const std::string& from, context& ctx);
  /// A new login from `from`, counted against its limit until it logs in.
  void count_login(const std::string& from, sim_time now);
  void forgive_login(const std::string& from);
  /// Why a fresh login may be one the OPD already took (a replay), if so.
  std::optional<std::string> replayed_login(const login& l) const;
  /// Forgets sessions that can no longer be used: expired ones, and refused
  /// logins older than the freshness window (their login would be stale);
  /// and the book's record of logins a replay of which would be stale.
  void prune_sessions(sim_time now);

  // opd_orders.cpp: orders, receipts, mail
  void on_order(const packet& p, context& ctx);
  std::optional<std::string> order_refusal(const order& o, const session_state& st) const;
  order_decision* decision_for(const order& o);
  /// A copy of this order is having its signature checked.
  bool being_checked(const order& o) const;
  void answer_repeat(order_decision& d, const arriving& a, context& ctx);
  void decide(std::uint64_t n, bool signature_ok, context& ctx);
  void decide_expired(const arriving& a, context& ctx);
  std::string stock_refusal(const order& o) const;
  /// Whether what was signed at `signed_time` may predate this order book.
  bool predates_book(std::int64_t signed_time) const;
  void record(arriving a, const std::string& outcome, const std::string& reason, context& ctx);
  /// "opd#7", or "opd#7@2s" in a book that replaced a lost one 2s into the run: unique across
  /// restarts.
  std::string mail_ref(std::uint64_t number, context& ctx) const;
  void send_receipt(const order_decision& d, context& ctx);
  void refuse_unrecorded(const arriving& a, const std::string& reason, context& ctx);
  void sign_receipt(const std::pair<std::string, bytes>& key, context& ctx);
  void finish_receipt(std::uint64_t n, bytes signed_receipt, context& ctx);
  void finish_refusal(std::uint64_t n, bytes signed_receipt, context& ctx);

  opd_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::shared_ptr<order_book> book_;
  /// sender -> when its new logins that have not logged in arrived, within lock_time
  std::map<std::string, std::deque<sim_time>> unsuccessful_;
  std::unordered_map<bytes, session_state, crypto::bytes_hash> sessions_;
  struct checking_login {
    bytes session;
    std::string customer;
    bool known = true; ///< false: checked against the decoy hash, refused whatever it says
  };
  std::map<std::uint64_t, checking_login> logins_;
  std::map<std::uint64_t, arriving> arriving_;
  std::map<std::uint64_t, std::pair<std::string, bytes>> signing_; ///< work id -> order
  std::map<std::uint64_t, bytes> refusals_; ///< work id -> the session a refusal goes to
  std::uint64_t work_ = 0;
};

} // namespace protobed::purchase
