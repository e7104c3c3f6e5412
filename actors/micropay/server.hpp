// The payment server (micropay.server): accounts bound to their owners' keys,
// logins, the online list, and payments as single-use signed tokens. The
// balances, and who owns each account the scenario lists, come from the
// scenario. A payment reserves the amount at once;
// redeeming the token settles it exactly once; a token never redeemed
// expires and the reservation goes back to the payer.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/micropay/channel.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"

namespace protobed::micropay {

struct account_config {
  std::string name;
  std::int64_t balance = 0;
};

struct server_config {
  std::vector<account_config> accounts;
  /// Account name -> the participant whose long-term key may REGISTER it,
  /// where that is not the participant of the account's own name.
  std::map<std::string, std::string> owners;
  sim_time token_lifetime = std::chrono::seconds(30);
  sim_time card_lifetime = std::chrono::hours(1);
  sim_time freshness = std::chrono::seconds(30); ///< how old a hello may be
  std::int64_t max_amount = 1000000;
  bool check_credentials = true; ///< log in only with the key the name registered
  bool check_payer = true;       ///< the payer is the logged-in user
  bool check_amounts = true;     ///< whole numbers 1..max_amount
  bool single_use_tokens = true; ///< settle each token id once
  bool check_replays = true;     ///< records only move forward; each hello opens one channel
  bool check_owners = true;      ///< an account the scenario lists registers only to its owner
};

/// A name the server registers: 1..32 letters, digits, '.', '_' or '-'.
bool valid_user_name(const std::string& name);

class server final : public participant_core {
public:
  server(server_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  void on_peer_status(const std::string& peer, bool reachable, context& ctx) override;
  void on_work_done(const timer_id& id, std::any result, context& ctx) override;
  observation observe() const override;

private:
  struct link {
    micropay::channel ch;
    bytes fingerprint; ///< of the key that signed the hello
    bytes welcome;     ///< sent again if the same hello comes again
    std::optional<std::string> user;
    std::uint64_t last_request = 0;
    bytes last_reply; ///< the payload answering last_request
  };
  struct account {
    std::int64_t balance = 0;
    bytes key; ///< the registered long-term key's fingerprint; empty: not registered
    std::optional<bytes> channel; ///< where its owner is logged in
    std::string address;
    std::string owner; ///< the participant the scenario gave it to; empty: not listed
  };
  struct reservation {
    std::string payer;
    std::string payee;
    std::int64_t amount = 0;
    sim_time expires{};
  };

  // server.cpp: channels and accounts
  void on_hello(const packet& p, context& ctx);
  void on_request(const packet& p, context& ctx);
  void answer(link& l, const request& rq, context& ctx);
  /// The answer, or nullopt when it comes later (a token being signed).
  std::optional<reply> handle(link& l, const request& rq, context& ctx);
  void send_reply(link& l, reply r, context& ctx);
  reply register_name(link& l, const parsed_command& c, context& ctx);
  /// Why `l` may not REGISTER account `a`, if it may not: with
  /// check_owners, a listed account only over a channel signed by its owner.
  std::optional<std::string> owner_refusal(const link& l, const account& a) const;
  /// Another account's name but for case ("ALICE" beside alice): refused, as
  /// a payee could not tell them apart.
  bool looks_like_existing(const std::string& name) const;
  reply login(link& l, const parsed_command& c, context& ctx);
  reply list(const link& l) const;
  reply logout(link& l, context& ctx);
  void send_on(link& l, const char* kind, const result<bytes>& payload, context& ctx);
  link* find_link(const bytes& id);
  std::string online_list() const;
  std::string balance_and_list(const std::string& user) const;
  bool online(const std::string& user) const;
  void keep_links_bounded(const bytes& fingerprint, context& ctx);

  // server_pay.cpp: payments
  std::optional<reply> pay(link& l, const parsed_command& c, context& ctx);
  std::optional<std::string> pay_refusal(const link& l, const parsed_command& c,
                                         std::int64_t& amount) const;
  reply redeem(link& l, const request& rq, context& ctx);
  reply settle(const bytes& id, const token& t, context& ctx);
  void notify_payer(const std::string& payer, const bytes& id, const std::string& outcome,
                    std::int64_t amount, context& ctx);
  void arm(sim_time deadline, context& ctx);
  void expire_due(context& ctx);

  server_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::unordered_map<bytes, link, crypto::bytes_hash> links_; ///< channel id -> channel
  std::map<std::string, account> accounts_;                   ///< user name -> account
  std::unordered_map<bytes, reservation, crypto::bytes_hash>
    reserved_; ///< token id -> what it holds
  std::unordered_map<bytes, reservation, crypto::bytes_hash> settled_; ///< token id -> what it paid
  std::set<std::pair<sim_time, bytes>> expiries_;
  std::set<std::string> offline_;                ///< participants known unreachable
  std::map<bytes, std::vector<bytes>> links_of_; ///< key fingerprint -> its channels, oldest first
  std::optional<sim_time> armed_;
  /// Tokens being signed (off the actor, with `workers`): whose request
  /// each answers. The reservation is already made.
  struct signing {
    bytes channel;
    std::uint64_t request = 0;
    std::string address;
  };
  std::map<std::uint64_t, signing> signing_;
  std::uint64_t signed_ = 0;
};

} // namespace protobed::micropay
