// The client (docs/protocols/ecommerce.md): for each purchase, a fresh RSA session key;
// asks the bank for an OTP and the merchant for a tid; pays with a PM sealed
// for the bank and a signed PO; ends with the bank's signed outcome, through
// the merchant or, after a timeout, by asking the bank directly.
//
//   buy ──> awaiting (tid + SMS) ──> typing ──> paid ──timeout──> resolving ──> done
//               └─ refusal/timeout ─────────────────────────────────────────> done
// The timeout covers waiting on the network, never the user's typing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/ecommerce/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/runtime/registry.hpp"
#include "crypto/rsa.hpp"

namespace protobed::ecommerce {

struct client_config {
  std::string merchant;
  std::string bank;
  std::string card;
  std::string expiry;
  std::string phone;
  sim_time timeout = std::chrono::seconds(5);         ///< before resolution
  std::int64_t resolution_retries = 8;                ///< further resolve attempts (backing off)
  sim_time otp_entry_delay = std::chrono::seconds(1); ///< user reads + types the code
  unsigned session_key_bits = 2048;
  bool verify_signatures = true; ///< merchant's tid signature and the bank's outcome
  /// Session keys made at start, each used for one purchase only (real-mode
  /// benchmarks: keygen is ~75 % of a purchase's crypto).
  std::int64_t session_key_pool = 0;
  /// Use an SMS code only for the purchase its reference names, and once.
  bool match_sms_reference = true;
  /// Refuse a quoted amount other than the price the user saw (`price`), or
  /// above max_amount when the purchase names no price.
  bool check_amount = true;
  std::int64_t max_amount = 100000;
};

class client final : public participant_core {
public:
  /// `setup_rng`, if given, makes the session-key pool now, before the run.
  client(client_config cfg, const directory& dir, crypto::rng* setup_rng = nullptr);

  /// Session keys from `k` instead of the participant's RNG (a key seed).
  void make_keys_with(key_maker k) {
    fresh_key_ = std::move(k);
  }

  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  void on_command(const command& c, context& ctx) override;
  observation observe() const override;

private:
  enum class phase : std::uint8_t { awaiting, paid, resolving, done };
  struct purchase {
    std::size_t number = 0;
    std::string item;
    std::optional<std::int64_t> amount_override;
    std::optional<std::int64_t> price; ///< what the user agreed to pay
    std::string reference;             ///< the SMS reference of this purchase
    std::optional<std::string> otp_override;
    std::string card, expiry; ///< as typed: its own card unless the buy names another
    sim_time otp_delay{0};
    std::optional<crypto::rsa_private_key> session_key;
    bytes nonce;
    bytes reply_key;
    std::optional<std::string> otp; ///< the code from the SMS (or the override)
    bool typing = false;            ///< the user is entering the code
    bool otp_status_seen = false;   ///< the bank's answer to the OTP request arrived
    bytes tid;
    signed_blob tid_statement; ///< the merchant's, kept to prove the tid is ours
    std::int64_t amount = 0;
    phase ph = phase::awaiting;
    std::optional<ecommerce::outcome> result; ///< empty while pending
    std::int64_t resolutions = 0;
    command origin; ///< the buy command, for repeats
    std::int64_t repeats_left = 0;
  };

  void buy(const command& c, context& ctx);
  void on_otp_reply(const packet& p, context& ctx);
  void on_sms(const packet& p, context& ctx);
  void on_setup_reply(const packet& p, context& ctx);
  void on_outcome(const packet& p, context& ctx);
  void on_resolve_reply(const packet& p, context& ctx);
  /// `pu`: the purchase the message came for (merchant path); else found by tid.
  void accept_outcome(const signed_blob& blob, purchase* pu, const char* via, context& ctx);
  /// Why the quoted amount is refused, or nothing.
  std::optional<std::string> refuse_amount(const purchase& pu, std::int64_t quoted) const;
  purchase* by_tid(const bytes& tid);
  void start_typing_when_ready(purchase& pu, context& ctx);
  void pay(purchase& pu, context& ctx);
  void resolve(purchase& pu, context& ctx);
  void finish(purchase& pu, const outcome& result, const char* via, context& ctx);
  /// A packet that matches no purchase, or comes too late: named, never silent.
  void ignore(const packet& p, const char* reason, context& ctx);

  purchase* by_nonce(const bytes& nonce);
  purchase* by_number(std::uint64_t number);
  bool signed_by(const std::string& who, const signed_blob& blob) const;
  static timer_id timeout_timer(const purchase& pu);
  static timer_id otp_entry_timer(const purchase& pu);

  crypto::rsa_private_key next_session_key(context& ctx);

  client_config cfg_;
  const directory& dir_;
  std::vector<purchase> purchases_;
  std::vector<crypto::rsa_private_key> key_pool_;
  key_maker fresh_key_;
};

} // namespace protobed::ecommerce
