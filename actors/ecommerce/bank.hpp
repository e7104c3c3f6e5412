// The bank (docs/protocols/ecommerce.md): issues one OTP per purchase through
// the otp_provider, decides payments atomically, records every outcome under
// its tid, and answers the client's and the merchant's resolution requests
// with the recorded outcome. A message that fails a check changes no state.
//
//   bank.cpp            packets, payments
//   bank_otp.cpp        codes: per purchase, failure budget per card, issue rate
//   bank_resolution.cpp resolution by the client (bound to the tid) and merchant
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/ecommerce/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "crypto/otp.hpp"
#include "crypto/rsa.hpp"

namespace protobed::ecommerce {

struct account {
  std::string holder;
  std::string card; ///< empty for accounts that only receive (merchants)
  std::string expiry;
  std::string phone;
  std::int64_t balance = 0;
};

struct bank_config {
  std::vector<account> accounts;
  std::string otp_provider;      ///< participant that texts codes
  crypto::otp_policy otp;        ///< lifetime and attempt limit per code
  bool verify_signatures = true; ///< client's PM signature + merchant's claim
  bool check_otp = true;         ///< the PM's OTP against the code issued for it
  bool unique_tids = true;       ///< refuse a tid that was already decided
  bool unique_nonces = true;     ///< refuse a replayed OTP request (seen nonce)
  /// A resolution must carry the merchant's signed tid statement naming the
  /// requester's key: nobody else can abort a tid in flight.
  bool bind_resolution = true;
  /// A tid is its merchant's: the bank records outcomes per (merchant, tid),
  /// a merchant's resolution touches only its own tids, and every outcome
  /// statement names the merchant. Off: one record per tid, whoever asks.
  bool per_merchant_tids = true;
  /// Consecutive wrong codes per card, across codes, before the card is
  /// locked (NIST SP 800-63B: at most 100). 0 = no budget.
  std::int64_t otp_failure_budget = 100;
  /// Codes a card may be sent per otp_issue_window. 0 = no limit.
  std::int64_t otp_issue_limit = 5;
  sim_time otp_issue_window = std::chrono::hours(1);
};

class bank final : public participant_core {
public:
  bank(bank_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  observation observe() const override;

  std::int64_t balance(const std::string& holder) const;

private:
  /// What the bank recorded for a tid.
  struct record {
    ecommerce::outcome result;
    std::int64_t amount = 0;
    bytes nonce;
    bytes client_key_fingerprint;
    std::string merchant; ///< whose tid it is; empty: not known (binds every merchant's)
  };
  /// The records of one tid value, by merchant ("" for a merchant not known).
  using tid_records = std::map<std::string, record>;
  /// One issued code, for the purchase whose OTP request carried `nonce`.
  struct issued_code {
    std::string card;
    crypto::otp_verifier verifier;
  };
  /// What the bank tracks per card across codes.
  struct card_state {
    std::int64_t consecutive_failures = 0;
    bool locked = false;
    std::deque<sim_time> issued; ///< when codes were sent, within the window
  };

  void on_otp_request(const packet& p, context& ctx);
  void on_pm_forward(const packet& p, context& ctx);
  void on_resolve(const packet& p, context& ctx);
  void on_merchant_resolve(const packet& p, context& ctx);

  // bank_otp.cpp
  /// Why no code may be sent for `acct` now, or nothing.
  std::optional<std::string> refuse_code(const account& acct, context& ctx);
  /// Texts a fresh code for this purchase; false (with SendFailed) if it cannot.
  bool text_code(const account& acct, const bytes& nonce, const crypto::rsa_public_key& gateway,
                 context& ctx);
  /// Checks the PM's code against the one issued for its purchase.
  std::optional<std::string> check_code(const payment_info& pm, const account& payer, context& ctx);

  /// Why a payment must be aborted, or nothing if it may be committed.
  using refusal = std::optional<std::string>;
  /// Is this PM what its client signed and its merchant forwarded? A PM that
  /// is not changes nothing: no record, no reply.
  refusal check_authentic(const pm_forward& fwd, const signed_blob& pm_blob,
                          const payment_info& pm);
  refusal check_payment(const payment_info& pm, context& ctx);
  refusal check_funds(const payment_info& pm, const account& payer, context& ctx);
  void commit(const payment_info& pm, account& payer, context& ctx);
  /// Records the decision (an abort emits PaymentAborted here) and answers.
  void record_and_reply(const packet& p, const payment_info& pm, const outcome& result,
                        context& ctx);

  // bank_resolution.cpp
  /// Why this client may not resolve the tid, or nothing.
  refusal check_resolver(const resolve_request& req, const crypto::rsa_public_key& client_key);
  /// The merchant a resolution request's tid statement names ("" without one).
  static std::string statement_merchant(const resolve_request& req);
  /// The recorded outcome of `merchant`'s `tid`; an undecided tid is aborted
  /// for good first. `request` names the kind of request that asked.
  const record& decide_if_open(const std::string& merchant, const bytes& tid, std::int64_t amount,
                               const bytes& nonce, const bytes& fingerprint, const char* request,
                               context& ctx);

  // bank.cpp: the decisions, per (merchant, tid)
  /// The record of `merchant`'s tid (or of the tid for every merchant), if any.
  record* find_decision(const std::string& merchant, const bytes& tid);
  record& store_decision(const std::string& merchant, const bytes& tid, record r);
  std::string scope(const std::string& merchant) const {
    return cfg_.per_merchant_tids ? merchant : std::string();
  }

  void send_or_report(const std::string& to, const char* kind, result<bytes> b, context& ctx);
  void reply_outcome(const std::string& to, const char* kind, const outcome_statement& s,
                     context& ctx);

  account* find_card(const std::string& card, const std::string& expiry);
  account* find_holder(const std::string& holder);

  bank_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::map<bytes, issued_code> codes_;      ///< OTP request nonce -> its code
  std::map<std::string, card_state> cards_; ///< card -> failures, lock, recent codes
  std::map<bytes, tid_records> decisions_;  ///< tid -> merchant -> recorded outcome
  std::set<bytes> otp_nonces_;              ///< OTP requests answered
  std::int64_t initial_total_ = 0;
};

} // namespace protobed::ecommerce
