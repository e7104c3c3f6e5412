// The bank (docs/protocols/ecommerce.md): issues OTPs through the
// otp_provider, decides payments atomically, records every outcome under its
// tid, and answers resolution requests with the recorded outcome.
#pragma once

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
  crypto::otp_policy otp;        ///< lifetime and attempt limit
  bool verify_signatures = true; ///< client's PM signature + merchant's claim
  bool check_otp = true;         ///< the PM's OTP against the code issued
  bool unique_tids = true;       ///< refuse a tid that was already decided
  bool unique_nonces = true;     ///< refuse a replayed OTP request (seen nonce)
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
  };

  void on_otp_request(const packet& p, context& ctx);
  void on_pm_forward(const packet& p, context& ctx);
  void on_resolve(const packet& p, context& ctx);

  /// Why a payment must be aborted, or nothing if it may be committed.
  using refusal = std::optional<std::string>;
  refusal check_payment(const pm_forward& fwd, const payment_info& pm, context& ctx);
  refusal check_signatures(const pm_forward& fwd, const payment_info& pm, context& ctx);
  refusal check_funds(const payment_info& pm, const account& payer, context& ctx);
  void commit(const payment_info& pm, account& payer, context& ctx);
  /// Records the decision (PaymentCommitted was emitted by commit; an abort
  /// emits PaymentAborted here) and answers the merchant.
  void record_and_reply(const packet& p, const payment_info& pm, const outcome& result,
                        context& ctx);
  /// Texts a fresh code for `acct`'s card; false (with SendFailed) if it cannot.
  bool text_code(const account& acct, const crypto::rsa_public_key& gateway, context& ctx);
  void send_or_report(const std::string& to, const char* kind, result<bytes> b, context& ctx);
  void reply_outcome(const std::string& to, const char* kind, const outcome_statement& s,
                     context& ctx);

  account* find_card(const std::string& card, const std::string& expiry);
  account* find_holder(const std::string& holder);

  bank_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::map<std::string, crypto::otp_verifier> otps_; ///< card -> last code issued
  std::map<bytes, record> decisions_;                ///< tid -> recorded outcome
  std::set<bytes> otp_nonces_;                       ///< OTP requests answered
  std::int64_t initial_total_ = 0;
};

} // namespace protobed::ecommerce
